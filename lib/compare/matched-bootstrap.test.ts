import { describe, expect, it } from "vitest";
import { matchedComparison, median, quantile, type SampledRun } from "./matched-bootstrap";

const runs = (stratum: string, costs: number[], accepted: boolean[]): SampledRun[] =>
  costs.map((costUsd, i) => ({ stratum, costUsd, accepted: accepted[i]! }));

describe("matched bootstrap", () => {
  it("with one project, the matched figure is spend / accepted outcomes", () => {
    const cohort = runs("p", [1, 2, 3, 4], [true, false, true, false]);
    const { estimates, strata } = matchedComparison([cohort, cohort], "project", 200);
    expect(strata).toEqual([{ key: "p", weight: 1, runs: [4, 4] }]);
    expect(estimates[0]!.costPerAcceptedUsd).toBeCloseTo(10 / 2, 12);
    expect(estimates[0]!.acceptanceRate).toBeCloseTo(0.5, 12);
  });

  it("weights projects by all cohorts' runs and leaves out projects a cohort lacks", () => {
    const a = [
      ...runs("easy", [1, 1, 1], [true, true, true]),
      ...runs("hard", [10], [true]),
      ...runs("solo", [5], [true]),
    ];
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
    const cohort = runs(
      "p",
      Array.from({ length: 30 }, (_, i) => 1 + (i % 7)),
      Array.from({ length: 30 }, (_, i) => i % 3 !== 0),
    );
    const once = matchedComparison([cohort, cohort], "none", 500, 7);
    expect(matchedComparison([cohort, cohort], "none", 500, 7)).toEqual(once);
    const { interval, costPerAcceptedUsd } = once.estimates[0]!;
    expect(interval!.low).toBeLessThan(costPerAcceptedUsd!);
    expect(interval!.high!).toBeGreaterThan(costPerAcceptedUsd!);
  });

  it("leaves the interval open when resamples accept nothing", () => {
    const { estimates } = matchedComparison(
      [runs("p", [1, 1, 1, 1], [true, false, false, false]), runs("p", [1], [true])],
      "none",
      500,
    );
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
