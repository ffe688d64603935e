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
  if (!(wastedOutcomes as readonly (string | null)[]).includes(outcome) || calls.length === 0) return [];
  const wastedUsd = calls.reduce((sum, call) => sum + call.costUsd, 0);
  const wastedTokens = calls.reduce((sum, call) => sum + call.contextTokens + call.output, 0);
  const first = calls[0]!.id;
  const last = calls[calls.length - 1]!.id;
  return [
    {
      category: "no-accepted-outcome",
      wastedTokens,
      wastedUsd,
      callIds: first === last ? [first] : [first, last],
      explanation: `Marked ${outcome!.toLowerCase()}: the run's whole cost, ${usd(wastedUsd)} over ${plural(calls.length, "call")}, bought nothing that was kept.`,
    },
  ];
}
