/**
 * Every detector over one run, in an order that avoids counting the same dollars twice:
 * 1. cache-miss counts the write-over-read premium on calls that rewrote a cached prefix; the
 *    other detectors price carried tokens at the cache read price, so they never count that
 *    premium again;
 * 2. retry takes repeated command results first; repeated-tool-output skips them;
 * 3. repeated-tool-output takes later copies of an output; oversized-tool-output counts only
 *    first copies;
 * 4. context-growth counts only the excess context that 2 and 3 did not already count;
 * 5. no-accepted-outcome is the whole cost of a run marked rejected or abandoned, which contains
 *    all of the above: stored beside them so the run page can say why, and totals count such a
 *    run's cost once (lib/waste/queries/waste-by-group.ts).
 * Findings worth less than a hundredth of a cent are dropped: they are noise, not advice.
 */
import { detectCacheMisses } from "./cache-miss";
import { detectContextGrowth } from "./context-growth";
import { detectNoAcceptedOutcome } from "./no-accepted-outcome";
import { detectOversizedToolOutput } from "./oversized-tool-output";
import { detectRepeatedToolOutput } from "./repeated-tool-output";
import { detectRetries } from "./retry";
import type { RunWasteInput, WasteFinding } from "./types";

export const MIN_FINDING_USD = 0.0001;

export function detectRunWaste(input: RunWasteInput): WasteFinding[] {
  const retries = detectRetries(input);
  const toolFindings = [
    ...retries.findings,
    ...detectRepeatedToolOutput(input, retries.retryToolIds),
    ...detectOversizedToolOutput(input),
  ];
  const counted = new Map<bigint, number>();
  for (const finding of toolFindings) {
    for (const [callId, count] of finding.countedContext ?? []) counted.set(callId, (counted.get(callId) ?? 0) + count);
  }
  return keepWorthShowing([
    ...detectCacheMisses(input),
    ...toolFindings,
    ...detectContextGrowth(input, counted),
    ...detectNoAcceptedOutcome(input),
  ]);
}

/** Drops findings below MIN_FINDING_USD and the detectors' working notes. */
export function keepWorthShowing(findings: WasteFinding[]): WasteFinding[] {
  return findings
    .filter((finding) => finding.wastedUsd >= MIN_FINDING_USD)
    .map(({ countedContext: _counted, ...finding }) => finding);
}
