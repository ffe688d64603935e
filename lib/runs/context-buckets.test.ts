import { describe, expect, it } from "vitest";
import { contextBuckets } from "./context-buckets";
import type { ContextPoint } from "./context-points";

const point = (index: number, contextTokens: number, markers: ContextPoint["markers"] = []): ContextPoint => ({
  index,
  callId: String(1000 + index),
  timestamp: `2026-02-10T10:00:00.${String(index).padStart(3, "0")}Z`,
  uncachedInput: 0,
  cacheRead: contextTokens,
  cacheWrite: 0,
  output: 10,
  contextTokens,
  costUsd: 0.5,
  cumulativeCostUsd: index * 0.5,
  markers,
});

describe("context buckets", () => {
  it("keeps a short run's calls one per bar, unchanged", () => {
    const points = [point(1, 100), point(2, 300)];
    const buckets = contextBuckets(points, 300);
    expect(buckets.map((b) => [b.firstIndex, b.lastIndex, b.calls, b.contextTokens, b.costUsd])).toEqual([
      [1, 1, 1, 100, 0.5],
      [2, 2, 1, 300, 0.5],
    ]);
  });

  it("summarises 10,000 calls in at most 300 bars that cover every call once", () => {
    const points = Array.from({ length: 10_000 }, (_, i) => point(i + 1, 1000 + i, i === 4321 ? ["cache-miss"] : []));
    const buckets = contextBuckets(points, 300);
    expect(buckets.length).toBeLessThanOrEqual(300);
    expect(buckets.reduce((n, b) => n + b.calls, 0)).toBe(10_000);
    expect(buckets[0]!.firstIndex).toBe(1);
    expect(buckets.at(-1)!.lastIndex).toBe(10_000);
    expect(buckets.at(-1)!.cumulativeCostUsd).toBe(5000);
    for (let i = 1; i < buckets.length; i++) expect(buckets[i]!.firstIndex).toBe(buckets[i - 1]!.lastIndex + 1);
    // Means per call, the peak call, and a marker kept in its bucket.
    const first = buckets[0]!;
    expect(first.contextTokens).toBe(1000 + (first.calls - 1) / 2);
    expect(first.peakIndex).toBe(first.lastIndex);
    expect(first.costUsd).toBeCloseTo(first.calls * 0.5, 9);
    const marked = buckets.find((b) => b.firstIndex <= 4322 && 4322 <= b.lastIndex)!;
    expect(marked.markers).toEqual(["cache-miss"]);
    expect(buckets.filter((b) => b.markers.length > 0)).toHaveLength(1);
  });
});
