/**
 * Runs with no accepted outcome: their whole cost. A run counts when its outcome is REJECTED or
 * ABANDONED, or, in a team that records outcomes at all, when no ACCEPTED outcome came within
 * NO_OUTCOME_AFTER_DAYS of its end (a team without outcome tracking would otherwise see every run
 * as waste). This is a different kind of waste from the others (the work may have been fine), so
 * totals show it apart; see lib/waste/queries/waste-by-group.ts.
 */
import { plural, usd } from "./explain";
import type { RunWasteInput, WasteFinding } from "./types";

export const NO_OUTCOME_AFTER_DAYS = 14;
const DAY = 86_400_000;

export function detectNoAcceptedOutcome(input: RunWasteInput): WasteFinding[] {
  const { outcome, calls } = input;
  if (outcome === "ACCEPTED" || calls.length === 0) return [];
  let reason: string;
  if (outcome === "REJECTED" || outcome === "ABANDONED") reason = `its outcome was marked ${outcome.toLowerCase()}`;
  else if (input.teamRecordsOutcomes && input.now.getTime() - input.endedAt.getTime() > NO_OUTCOME_AFTER_DAYS * DAY)
    reason = `no accepted outcome was recorded in the ${NO_OUTCOME_AFTER_DAYS} days after it ended`;
  else return [];
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
      explanation: `This run's whole cost, ${usd(wastedUsd)} over ${plural(calls.length, "call")}, bought nothing that was kept: ${reason}.`,
    },
  ];
}
