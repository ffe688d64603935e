import { describe, expect, it } from "vitest";
import { matchedComparison, median, quantile, type SampledRun } from "./matched-bootstrap";
import { MIN_RUNS, verdict } from "./verdict";

const runs = (stratum: string, costs: number[], accepted: boolean[]): SampledRun[] => costs.map((costUsd, i) => ({ stratum, costUsd, accepted: accepted[i]! }));

describe("matched bootstrap", () => {
  it("with one project, the matched figure is spend / accepted outcomes", () => {
    const cohort = runs("p", [1, 2, 3, 4], [true, false, true, false]);
    const { estimates, strata } = matchedComparison([cohort, cohort], "project", 200);
    expect(strata).toEqual([{ key: "p", weight: 1, runs: [4, 4] }]);
    expect(estimates[0]!.costPerAcceptedUsd).toBeCloseTo(10 / 2, 12);
    expect(estimates[0]!.acceptanceRate).toBeCloseTo(0.5, 12);
  });

  it("weights projects by all cohorts' runs and leaves out projects a cohort lacks", () => {
    const a = [...runs("easy", [1, 1, 1], [true, true, true]), ...runs("hard", [10], [true]), ...runs("solo", [5], [true])];
    const b = [...runs("easy", [1], [true]), ...runs("hard", [10, 10, 10], [true, true, true])];
    const { estimates, strata, unmatchedRuns } = matchedComparison([a, b], "project", 200);
    expect(strata).toEqual([
      { key: "easy", weight: 0.5, runs: [3, 1] },
      { key: "hard", weight: 0.5, runs: [1, 3] },
    ]);
    expect(unmatchedRuns).toEqual([1, 0]);
    // Same per-project costs: the same matched figure, (0.5·1 + 0.5·10) / 1.
    expect(estimates[0]!.costPerAcceptedUsd).toBeCloseTo(5.5, 12);
    expect(estimates[1]!.costPerAcceptedUsd).toBeCloseTo(5.5, 12);
  });

  it("is reproducible for a seed and brackets its estimate", () => {
    const cohort = runs("p", Array.from({ length: 30 }, (_, i) => 1 + (i % 7)), Array.from({ length: 30 }, (_, i) => i % 3 !== 0));
    const once = matchedComparison([cohort, cohort], "none", 500, 7);
    expect(matchedComparison([cohort, cohort], "none", 500, 7)).toEqual(once);
    const { interval, costPerAcceptedUsd } = once.estimates[0]!;
    expect(interval!.low).toBeLessThan(costPerAcceptedUsd!);
    expect(interval!.high!).toBeGreaterThan(costPerAcceptedUsd!);
  });

  it("leaves the interval open when resamples accept nothing", () => {
    const { estimates } = matchedComparison([runs("p", [1, 1, 1, 1], [true, false, false, false]), runs("p", [1], [true])], "none", 500);
    expect(estimates[0]!.interval!.high).toBeNull();
  });

  it("quantiles and medians", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(median([])).toBeNull();
    expect(quantile([0, 10], 0.25)).toBe(2.5);
    expect(quantile([1, Number.POSITIVE_INFINITY], 0.9)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe("verdict", () => {
  const estimate = (runs: number, accepted: number, point: number, low: number, high: number) => ({ runs, acceptedOutcomes: accepted, costPerAcceptedUsd: point, acceptanceRate: accepted / runs, interval: { low, high } });
  const strata = [{ key: "p", weight: 1, runs: [0, 0] }];

  it("calls a winner only when the intervals are apart", () => {
    const apart = verdict(["a", "b"], { strata, unmatchedRuns: [0, 0], estimates: [estimate(40, 20, 2, 1.5, 2.5), estimate(40, 20, 5, 4, 6)] }, true);
    expect(apart).toMatchObject({ kind: "winner", winner: "a", moreRunsNeeded: null });
  });

  it("says how many more runs overlapping intervals need: k = ((u + l) / gap)²", () => {
    // u = 1, l = 1, gap = 1: k = 4, so each cohort needs 3 times its runs more.
    const overlap = verdict(["a", "b"], { strata, unmatchedRuns: [0, 0], estimates: [estimate(40, 20, 2, 1.5, 3), estimate(30, 20, 3, 2, 4)] }, true);
    expect(overlap).toMatchObject({ kind: "not-enough-evidence", winner: null, moreRunsNeeded: [120, 90] });
  });

  it("refuses small cohorts and names the runs to reach the minimums", () => {
    const small = verdict(["a", "b"], { strata, unmatchedRuns: [0, 0], estimates: [estimate(10, 2, 2, 1, 3), estimate(40, 20, 5, 4, 6)] }, true);
    // 2 of 10 accepted: 3 more accepted outcomes take about 15 runs, more than the 10 to reach MIN_RUNS.
    expect(small).toMatchObject({ kind: "too-few-runs", winner: null, moreRunsNeeded: [15, 0] });
    expect(MIN_RUNS).toBe(20);
  });
});
