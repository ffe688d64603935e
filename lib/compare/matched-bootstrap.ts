/**
 * Like-for-like cost per accepted outcome of several cohorts, with a bootstrap interval.
 *
 * Matching: runs are grouped by project (a stratum; runs without a project are one stratum,
 * "unallocated"). Only the projects where every cohort has runs are compared, and each such project
 * weighs by its share of all those runs (every cohort's together), the same weights for every cohort.
 * A cohort's matched cost per accepted outcome is then
 *
 *     Σ_p w_p · (mean cost of its runs in p)  /  Σ_p w_p · (its acceptance rate in p)
 *
 * i.e. what it would cost per accepted outcome on the common project mix (direct standardization).
 * With one project this is exactly its spend / accepted outcomes, the definition of
 * lib/queries/cost-per-outcome.ts. A project where a cohort accepted nothing does not break the
 * ratio, as a per-project ratio would.
 *
 * Interval: a stratified percentile bootstrap. Each resample draws, within every cohort and
 * project, as many runs as it has, with replacement, and recomputes the matched figure; the 2.5th
 * and 97.5th percentiles of RESAMPLES resamples bound the 95% interval. The generator is
 * xoroshiro128+ (pure-rand) with a fixed seed, so the same runs always give the same interval.
 */
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";

export const RESAMPLES = 2000;
export const BOOTSTRAP_SEED = 20261110;
export const CONFIDENCE = 0.95;

/** What the bootstrap needs of one run. */
export interface SampledRun {
  stratum: string;
  costUsd: number;
  accepted: boolean;
}

export interface Interval {
  low: number;
  /** null when more than 2.5% of resamples accepted nothing: the cost per outcome has no upper bound then. */
  high: number | null;
}

export interface MatchedEstimate {
  /** Runs and accepted outcomes in the matched projects. */
  runs: number;
  acceptedOutcomes: number;
  /** null when the cohort accepted nothing in the matched projects. */
  costPerAcceptedUsd: number | null;
  acceptanceRate: number | null;
  /** null when there are no matched runs, or most resamples accepted nothing. */
  interval: Interval | null;
}

export interface Stratum {
  key: string;
  weight: number;
  /** Runs of each cohort in this project, in the cohorts' order. */
  runs: number[];
}

export interface MatchedComparison {
  strata: Stratum[];
  /** Runs of each cohort left out because their project has no runs of some other cohort. */
  unmatchedRuns: number[];
  estimates: MatchedEstimate[];
}

interface StratumSample {
  cost: Float64Array;
  accepted: Uint8Array;
}

function ratio(weightedCost: number, weightedAcceptance: number): number {
  return weightedAcceptance > 0 ? weightedCost / weightedAcceptance : Number.POSITIVE_INFINITY;
}

/** The q-quantile of sorted values (linear interpolation between order statistics). */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.ceil(position);
  const a = sorted[below]!;
  const b = sorted[above]!;
  if (below === above || a === b) return a;
  if (!Number.isFinite(b)) return b;
  return a + (b - a) * (position - below);
}

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  return quantile(
    [...values].sort((a, b) => a - b),
    0.5,
  );
}

/**
 * `match` "project" stratifies as described above; "none" puts every run in one stratum (the raw,
 * unmatched figures, each cohort's own mix of tasks).
 */
export function matchedComparison(
  cohorts: SampledRun[][],
  match: "project" | "none",
  resamples = RESAMPLES,
  seed = BOOTSTRAP_SEED,
): MatchedComparison {
  const stratumOf = (run: SampledRun) => (match === "project" ? run.stratum : "all");
  const byCohort = cohorts.map((runs) => {
    const groups = new Map<string, SampledRun[]>();
    for (const run of runs) {
      const key = stratumOf(run);
      const group = groups.get(key);
      if (group) group.push(run);
      else groups.set(key, [run]);
    }
    return groups;
  });
  const keys = [...new Set(byCohort.flatMap((groups) => [...groups.keys()]))]
    .filter((key) => byCohort.every((groups) => groups.has(key)))
    .sort();
  const totalMatched = keys.reduce(
    (sum, key) => sum + byCohort.reduce((n, groups) => n + groups.get(key)!.length, 0),
    0,
  );
  const strata: Stratum[] = keys.map((key) => {
    const runs = byCohort.map((groups) => groups.get(key)!.length);
    return { key, weight: runs.reduce((a, b) => a + b, 0) / totalMatched, runs };
  });
  const unmatchedRuns = cohorts.map(
    (runs, i) => runs.length - strata.reduce((sum, stratum) => sum + stratum.runs[i]!, 0),
  );
  const rng = xoroshiro128plus(seed);
  const estimates = byCohort.map((groups): MatchedEstimate => {
    const samples: StratumSample[] = keys.map((key) => {
      const runs = groups.get(key)!;
      return {
        cost: Float64Array.from(runs, (run) => run.costUsd),
        accepted: Uint8Array.from(runs, (run) => (run.accepted ? 1 : 0)),
      };
    });
    const runs = samples.reduce((sum, sample) => sum + sample.cost.length, 0);
    if (runs === 0)
      return { runs: 0, acceptedOutcomes: 0, costPerAcceptedUsd: null, acceptanceRate: null, interval: null };
    let weightedCost = 0;
    let weightedAcceptance = 0;
    let acceptedOutcomes = 0;
    samples.forEach((sample, s) => {
      const n = sample.cost.length;
      let cost = 0;
      let accepted = 0;
      for (let i = 0; i < n; i++) {
        cost += sample.cost[i]!;
        accepted += sample.accepted[i]!;
      }
      acceptedOutcomes += accepted;
      weightedCost += (strata[s]!.weight * cost) / n;
      weightedAcceptance += (strata[s]!.weight * accepted) / n;
    });
    const point = ratio(weightedCost, weightedAcceptance);
    const draws = new Float64Array(resamples);
    // uniformInt(rng, 0, n - 1) by hand (the same draws: pure-rand's rejection sampling over 32-bit
    // outputs), its bound computed once per project instead of once per draw: the page's hot loop.
    const limits = samples.map(({ cost }) =>
      cost.length > 2 ? Math.trunc(4294967296 / cost.length) * cost.length : 4294967296,
    );
    for (let b = 0; b < resamples; b++) {
      let cost = 0;
      let acceptance = 0;
      for (let s = 0; s < samples.length; s++) {
        const sample = samples[s]!;
        const n = sample.cost.length;
        const limit = limits[s]!;
        let sumCost = 0;
        let sumAccepted = 0;
        for (let i = 0; i < n; i++) {
          let draw = rng.next() + 2147483648;
          while (draw >= limit) draw = rng.next() + 2147483648;
          const pick = draw % n;
          sumCost += sample.cost[pick]!;
          sumAccepted += sample.accepted[pick]!;
        }
        cost += (strata[s]!.weight * sumCost) / n;
        acceptance += (strata[s]!.weight * sumAccepted) / n;
      }
      draws[b] = ratio(cost, acceptance);
    }
    draws.sort();
    const tail = (1 - CONFIDENCE) / 2;
    const low = quantile(draws, tail);
    const high = quantile(draws, 1 - tail);
    return {
      runs,
      acceptedOutcomes,
      costPerAcceptedUsd: Number.isFinite(point) ? point : null,
      acceptanceRate: weightedAcceptance,
      // Most resamples accepting nothing leaves no interval to state.
      interval: Number.isFinite(low) ? { low, high: Number.isFinite(high) ? high : null } : null,
    };
  });
  return { strata, unmatchedRuns, estimates };
}
