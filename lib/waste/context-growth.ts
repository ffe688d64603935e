/**
 * Context growth faster than the work: a run whose main-thread context grows per call more than
 * GROWTH_FACTOR times its project's usual growth (the median least-squares slope of context
 * tokens over call number among the project's runs). Waste = on every main-thread call, the
 * context above what the usual growth would have reached since the start or the last compaction,
 * at the cache read price, minus what the repeated, oversized and retry findings already count on
 * that call.
 */
import { plural, tokens, usd } from "./explain";
import { priceTokens } from "./pricing";
import { runThreads } from "./threads";
import type { RunWasteInput, WasteFinding } from "./types";

export const GROWTH_FACTOR = 2;
/** Fewer calls than this give no meaningful slope. */
export const MIN_CALLS_FOR_GROWTH = 10;

/** Least-squares slope of y over x = 0, 1, 2, ... (Postgres regr_slope does the same for projects). */
export function growthPerCall(contexts: readonly number[]): number {
  const n = contexts.length;
  if (n < 2) return 0;
  const meanX = (n - 1) / 2;
  const meanY = contexts.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  contexts.forEach((y, x) => {
    num += (x - meanX) * (y - meanY);
    den += (x - meanX) ** 2;
  });
  return num / den;
}

export function detectContextGrowth(input: RunWasteInput, counted: ReadonlyMap<bigint, number>): WasteFinding[] {
  const usual = input.usualContextGrowthPerCall;
  const main = runThreads(input.calls).threads.get("") ?? [];
  if (usual === null || usual <= 0 || main.length < MIN_CALLS_FOR_GROWTH) return [];
  const growth = growthPerCall(main.map((entry) => entry.call.contextTokens));
  if (growth <= GROWTH_FACTOR * usual) return [];
  let wastedTokens = 0;
  let wastedUsd = 0;
  let worst = main[0]!;
  let worstExcess = 0;
  let segmentStart = main[0]!;
  for (const entry of main) {
    if (entry.segment !== segmentStart.segment) segmentStart = entry;
    const expected = segmentStart.call.contextTokens + usual * (entry.index - segmentStart.index);
    const excess = Math.max(0, Math.round(entry.call.contextTokens - expected) - (counted.get(entry.call.id) ?? 0));
    if (excess === 0) continue;
    wastedTokens += excess;
    wastedUsd += priceTokens(entry.call, { cacheRead: excess }, input.overrides);
    if (excess > worstExcess) [worst, worstExcess] = [entry, excess];
  }
  if (wastedTokens === 0) return [];
  return [
    {
      category: "context-growth",
      wastedTokens,
      wastedUsd,
      callIds: [worst.call.id, main[0]!.call.id],
      explanation: `The main thread's context grew by about ${tokens(Math.round(growth))} per call, ${(growth / usual).toFixed(1)} times this project's usual ${tokens(Math.round(usual))}; carrying the extra context over ${plural(main.length, "call")} cost ${usd(wastedUsd)}.`,
    },
  ];
}
