/**
 * The plain verdict on matched cost per accepted outcome (lib/compare/matched-bootstrap.ts): it
 * names a winner only when every cohort is large enough and the cheapest cohort's 95% interval
 * lies wholly below every other cohort's; otherwise it says there is not enough evidence, and how
 * many more runs would be needed.
 *
 * How many more runs (MORE_RUNS_RULE): an interval narrows as 1/√n. With the cheapest cohort's
 * estimate a (upper half-width u) and another's b (lower half-width l), the intervals stop
 * overlapping once every cohort has k times its runs, k = ((u + l) / (b − a))², assuming the
 * estimates stay where they are; each cohort then needs ⌈n·(k − 1)⌉ more. A cohort below the
 * minimums needs max(MIN_RUNS − n, ⌈(MIN_ACCEPTED − accepted) / acceptance rate⌉) more.
 */
import { formatUsd } from "@/lib/format";
import type { MatchedComparison, MatchedEstimate } from "./matched-bootstrap";

export const MIN_RUNS = 20;
export const MIN_ACCEPTED = 5;

export const MORE_RUNS_RULE =
  `An interval narrows as 1/√n: the intervals stop overlapping once each cohort has k times its runs, k = ((u + l) / gap)², ` +
  `u and l the half-widths facing each other, assuming the estimates stay where they are. ` +
  `A cohort also needs at least ${MIN_RUNS} runs and ${MIN_ACCEPTED} accepted outcomes in the matched projects.`;

export type VerdictKind = "winner" | "not-enough-evidence" | "too-few-runs" | "no-common-project";

export interface Verdict {
  kind: VerdictKind;
  /** The cheaper cohort's label, only when kind is "winner". */
  winner: string | null;
  text: string;
  /** More runs each cohort would need for a verdict (in the cohorts' order); null when no number can be predicted or none is needed. */
  moreRunsNeeded: (number | null)[] | null;
}

const interval = (estimate: MatchedEstimate) =>
  estimate.interval === null
    ? "no interval"
    : `95% interval ${formatUsd(estimate.interval.low)} to ${estimate.interval.high === null ? "unbounded" : formatUsd(estimate.interval.high)}`;

const figure = (label: string, estimate: MatchedEstimate) =>
  `${label}: ${estimate.costPerAcceptedUsd === null ? "nothing accepted" : formatUsd(estimate.costPerAcceptedUsd)} per accepted outcome (${interval(estimate)})`;

function runsToMinimum(estimate: MatchedEstimate): number | null {
  const forRuns = Math.max(0, MIN_RUNS - estimate.runs);
  if (estimate.acceptedOutcomes >= MIN_ACCEPTED) return forRuns;
  const rate = estimate.runs === 0 ? 0 : estimate.acceptedOutcomes / estimate.runs;
  if (rate === 0) return null;
  return Math.max(forRuns, Math.ceil((MIN_ACCEPTED - estimate.acceptedOutcomes) / rate));
}

export function verdict(labels: string[], comparison: MatchedComparison, matched: boolean): Verdict {
  const { estimates, strata } = comparison;
  const within = matched
    ? `like for like within ${strata.length === 1 ? "1 project" : `${strata.length} projects`}`
    : "unmatched (each cohort's own mix of projects)";
  if (strata.length === 0) {
    return {
      kind: "no-common-project",
      winner: null,
      text: "Not comparable like for like: no project has runs of every cohort. Compare cohorts within the same projects, or turn matching off to see raw figures (which may only reflect different tasks).",
      moreRunsNeeded: null,
    };
  }
  const small = estimates
    .map((estimate, i) => ({ estimate, label: labels[i]!, more: runsToMinimum(estimate) }))
    .filter(({ more }) => more !== 0);
  if (small.length > 0) {
    const parts = small.map(
      ({ label, estimate, more }) =>
        `${label} has ${estimate.runs} runs and ${estimate.acceptedOutcomes} accepted outcomes (${more === null ? "none accepted, so no number of runs can be predicted" : `about ${more} more runs needed`})`,
    );
    return {
      kind: "too-few-runs",
      winner: null,
      text: `Not enough evidence: a verdict needs at least ${MIN_RUNS} runs and ${MIN_ACCEPTED} accepted outcomes per cohort, ${within}; ${parts.join("; ")}.`,
      moreRunsNeeded: estimates.map((estimate) => runsToMinimum(estimate)),
    };
  }
  // Every cohort has accepted outcomes here, so every point estimate is a number.
  const order = estimates
    .map((_, i) => i)
    .sort((a, b) => estimates[a]!.costPerAcceptedUsd! - estimates[b]!.costPerAcceptedUsd!);
  const best = order[0]!;
  const a = estimates[best]!;
  let k = 1;
  let predictable = true;
  for (const other of order.slice(1)) {
    const b = estimates[other]!;
    const separated = a.interval?.high != null && b.interval !== null && a.interval.high < b.interval.low;
    if (separated) continue;
    const gap = b.costPerAcceptedUsd! - a.costPerAcceptedUsd!;
    if (gap <= 0 || a.interval?.high == null || b.interval === null) {
      predictable = false;
      continue;
    }
    const u = a.interval.high - a.costPerAcceptedUsd!;
    const l = b.costPerAcceptedUsd! - b.interval.low;
    k = Math.max(k, ((u + l) / gap) ** 2);
  }
  const figures = order.map((i) => figure(labels[i]!, estimates[i]!)).join("; ");
  if (predictable && k === 1) {
    const others = order
      .slice(1)
      .map((i) => labels[i]!)
      .join(", ");
    return {
      kind: "winner",
      winner: labels[best]!,
      text: `${labels[best]} costs less per accepted outcome than ${others}, ${within}: ${figures}.`,
      moreRunsNeeded: null,
    };
  }
  const more = predictable ? estimates.map((estimate) => Math.ceil(estimate.runs * (k - 1))) : null;
  const howMany = more
    ? `If the gap is real, about ${more.map((n, i) => `${n} more runs of ${labels[i]}`).join(", ")} would be needed to tell them apart.`
    : "The estimates are equal or an interval is unbounded, so no number of runs can be predicted to tell them apart.";
  return {
    kind: "not-enough-evidence",
    winner: null,
    text: `Not enough evidence to call a winner: the 95% intervals overlap, ${within}. ${figures}. ${howMany}`,
    moreRunsNeeded: more,
  };
}
