/**
 * A long run's context points summarised for a chart: consecutive calls grouped into at most
 * `maxBars` buckets, so a 10,000-call run draws a few hundred bars, not ten thousand. A bucket of
 * one call is that call unchanged; a larger bucket shows the mean per call (so its stacked bar is
 * the mean context a call read), its peak (the call with the largest context, where a click leads),
 * and every marker of its calls.
 */
import type { ContextMarker, ContextPoint } from "./context-points";

/** The most bars the context chart draws at once; zooming in shows fewer calls per bar. */
export const MAX_BARS = 300;

export interface ContextBucket {
  /** Ordinals (1..N) of the bucket's first and last call. */
  firstIndex: number;
  lastIndex: number;
  calls: number;
  /** The ordinal of the call with the largest context in the bucket: a click on the bar shows it. */
  peakIndex: number;
  peakContextTokens: number;
  timestamp: string;
  /** Per call: the mean over the bucket's calls. */
  uncachedInput: number;
  cacheRead: number;
  cacheWrite: number;
  output: number;
  contextTokens: number;
  /** What the bucket's calls cost together, and the run's cost up to its last call. */
  costUsd: number;
  cumulativeCostUsd: number;
  markers: ContextMarker[];
}

export function contextBuckets(points: readonly ContextPoint[], maxBars = MAX_BARS): ContextBucket[] {
  const size = Math.max(1, Math.ceil(points.length / maxBars));
  const buckets: ContextBucket[] = [];
  for (let start = 0; start < points.length; start += size) {
    const group = points.slice(start, start + size);
    let peak = group[0]!;
    const sum = { uncachedInput: 0, cacheRead: 0, cacheWrite: 0, output: 0, contextTokens: 0, costUsd: 0 };
    const markers = new Set<ContextMarker>();
    for (const point of group) {
      if (point.contextTokens > peak.contextTokens) peak = point;
      for (const key of Object.keys(sum) as (keyof typeof sum)[]) sum[key] += point[key];
      for (const marker of point.markers) markers.add(marker);
    }
    const n = group.length;
    buckets.push({
      firstIndex: group[0]!.index,
      lastIndex: group[n - 1]!.index,
      calls: n,
      peakIndex: peak.index,
      peakContextTokens: peak.contextTokens,
      timestamp: group[0]!.timestamp,
      uncachedInput: sum.uncachedInput / n,
      cacheRead: sum.cacheRead / n,
      cacheWrite: sum.cacheWrite / n,
      output: sum.output / n,
      contextTokens: sum.contextTokens / n,
      costUsd: sum.costUsd,
      cumulativeCostUsd: group[n - 1]!.cumulativeCostUsd,
      markers: [...markers],
    });
  }
  return buckets;
}
