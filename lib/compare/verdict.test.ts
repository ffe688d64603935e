import { describe, expect, it } from "vitest";
import { MIN_RUNS, verdict } from "./verdict";

describe("verdict", () => {
  const estimate = (runs: number, accepted: number, point: number, low: number, high: number) => ({
    runs,
    acceptedOutcomes: accepted,
    costPerAcceptedUsd: point,
    acceptanceRate: accepted / runs,
    interval: { low, high },
  });
  const strata = [{ key: "p", weight: 1, runs: [0, 0] }];

  it("calls a winner only when the intervals are apart", () => {
    const apart = verdict(
      ["a", "b"],
      { strata, unmatchedRuns: [0, 0], estimates: [estimate(40, 20, 2, 1.5, 2.5), estimate(40, 20, 5, 4, 6)] },
      true,
    );
    expect(apart).toMatchObject({ kind: "winner", winner: "a", moreRunsNeeded: null });
  });

  it("says how many more runs overlapping intervals need: k = ((u + l) / gap)²", () => {
    // u = 1, l = 1, gap = 1: k = 4, so each cohort needs 3 times its runs more.
    const overlap = verdict(
      ["a", "b"],
      { strata, unmatchedRuns: [0, 0], estimates: [estimate(40, 20, 2, 1.5, 3), estimate(30, 20, 3, 2, 4)] },
      true,
    );
    expect(overlap).toMatchObject({ kind: "not-enough-evidence", winner: null, moreRunsNeeded: [120, 90] });
  });

  it("refuses small cohorts and names the runs to reach the minimums", () => {
    const small = verdict(
      ["a", "b"],
      { strata, unmatchedRuns: [0, 0], estimates: [estimate(10, 2, 2, 1, 3), estimate(40, 20, 5, 4, 6)] },
      true,
    );
    // 2 of 10 accepted: 3 more accepted outcomes take about 15 runs, more than the 10 to reach MIN_RUNS.
    expect(small).toMatchObject({ kind: "too-few-runs", winner: null, moreRunsNeeded: [15, 0] });
    expect(MIN_RUNS).toBe(20);
  });
});
