/**
 * Runs explicitly marked REJECTED or ABANDONED: their whole cost bought nothing that was kept.
 * Only a recorded decision counts: a run with no outcome (or only a proposed one) is unknown, not
 * waste; its spend shows as "not accepted" beside waste (lib/queries/cost-per-outcome.ts), never in
 * it. The finding depends on the run's outcome alone, never on when it was computed.
 * A different kind of waste from the others (the work may have been fine), so totals count such a
 * run's cost once; see lib/waste/queries/waste-by-group.ts.
 */
import { plural, usd } from "./explain";
import type { RunWasteInput, WasteFinding } from "./types";

/** The outcomes that make a run's whole cost waste. */
export const wastedOutcomes = ["REJECTED", "ABANDONED"] as const;

export function detectNoAcceptedOutcome(input: RunWasteInput): WasteFinding[] {
  const { outcome, calls } = input;
  if (calls.length === 0) return [];
  const first = calls[0]!.id;
  const last = calls[calls.length - 1]!.id;
  return wholeCostFinding(outcome, {
    calls: calls.length,
    tokens: calls.reduce((sum, call) => sum + call.contextTokens + call.output, 0),
    costUsd: calls.reduce((sum, call) => sum + call.costUsd, 0),
    callIds: first === last ? [first] : [first, last],
  });
}

/**
 * The same finding from a run's totals (Run.calls, tokens, costUsd), for a run whose raw calls
 * the retention job removed (lib/retention/raw-calls.ts): the calls are gone, the cost is not.
 */
export function wholeCostFinding(
  outcome: string | null,
  whole: { calls: number; tokens: number; costUsd: number; callIds: bigint[] },
): WasteFinding[] {
  if (!(wastedOutcomes as readonly (string | null)[]).includes(outcome) || whole.calls === 0) return [];
  return [
    {
      category: "no-accepted-outcome",
      wastedTokens: whole.tokens,
      wastedUsd: whole.costUsd,
      callIds: whole.callIds,
      explanation: `Marked ${outcome!.toLowerCase()}: the run's whole cost, ${usd(whole.costUsd)} over ${plural(whole.calls, "call")}, bought nothing that was kept.`,
    },
  ];
}
