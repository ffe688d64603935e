/**
 * Compare workflows: cohorts of runs side by side by cost per accepted outcome, like for like
 * within projects, with a bootstrap interval and a plain verdict (`GET /api/v1/compare` and the
 * Compare workflows page).
 *
 * A cohort's runs are those started in the range that meet its spec (lib/compare/cohort-spec.ts).
 * Everything is read from Run rows (their totals and outcome), the per-run/day/model rollup for a
 * run's main model, and RunWaste for waste: never Call. Per cohort:
 * - cost per accepted outcome = all spend of its runs, accepted or not / its runs accepted (the
 *   definition of lib/queries/cost-per-outcome.ts, here by run: a run's whole cost and its latest decision);
 * - tokens per accepted outcome = all tokens of its runs (uncached input, output, cache writes and reads) / accepted;
 * - waste share = its runs' wasted dollars / their spend, each run's waste counted once as on the
 *   Waste page (lib/waste/queries/waste-by-group.ts);
 * - the matched figure, its interval and the verdict: lib/compare/matched-bootstrap.ts and verdict.ts.
 */
import { z } from "zod";
import { assertMayBreakDown } from "@/lib/auth/policy";
import type { Scope } from "@/lib/auth/scope";
import { dayAfter, dayStart } from "@/lib/days";
import { readDb } from "@/lib/db/client";
import { table } from "@/lib/db/tables";
import { Prisma } from "@/lib/generated/prisma/client";
import { badRequest } from "@/lib/http/errors";
import { dateRangeSchema } from "@/lib/queries/params";
import { unallocatedKey } from "@/lib/queries/spend-by-group";
import { type Cohort, type CohortSpec, cohortListSchema, instructionVersionOf, tagOf } from "./cohort-spec";
import {
  BOOTSTRAP_SEED,
  CONFIDENCE,
  type MatchedEstimate,
  matchedComparison,
  median,
  RESAMPLES,
  type Stratum,
} from "./matched-bootstrap";
import { expandSavedFilters } from "./saved-filters";
import { MIN_ACCEPTED, MIN_RUNS, MORE_RUNS_RULE, type Verdict, verdict } from "./verdict";

const c = table("RunContextPackage", "c");
const oPerson = table("Person", "o");
const pProject = table("Project", "p");
const rRun = table("Run", "r");
const sRunDaySpend = table("RunDaySpend", "s");
const t = table("RunTag", "t");
const w = table("RunWaste", "w");
const x = table("ToolCall", "x");

/**
 * Runs one comparison may read, all cohorts together: the bootstrap draws every run RESAMPLES
 * times (about a second per 20,000 runs on one core), so a larger one is refused, not left to stall.
 */
export const MAX_COMPARED_RUNS = 50_000;

export const compareMatches = ["project", "none"] as const;

export const compareQuerySchema = z
  .object({
    cohort: cohortListSchema,
    /** "project": like for like within projects (the default); "none": each cohort's own mix. */
    match: z.enum(compareMatches).default("project"),
  })
  .and(dateRangeSchema);
export type CompareQuery = z.output<typeof compareQuerySchema>;

/** The cohorts a query names: `cohort` repeats; empty ones (a form's unused fields) are ignored. */
export function namedCohorts(values: string | string[] | undefined): string[] {
  const list = values === undefined ? [] : Array.isArray(values) ? values : [values];
  return list.map((cohort) => cohort.trim()).filter((cohort) => cohort !== "");
}

/** The query's raw parameters from a URL. */
export function compareParams(url: URL): Record<string, unknown> {
  return { ...Object.fromEntries(url.searchParams.entries()), cohort: namedCohorts(url.searchParams.getAll("cohort")) };
}

export interface CohortWeek {
  /** Monday of the UTC week the runs started in. */
  week: string;
  runs: number;
  spendUsd: number;
  acceptedOutcomes: number;
  costPerAcceptedUsd: number | null;
}

export interface CohortResult {
  label: string;
  spec: CohortSpec;
  runs: number;
  acceptedOutcomes: number;
  acceptanceRate: number | null;
  spendUsd: number;
  costPerAcceptedUsd: number | null;
  tokensPerAcceptedOutcome: number | null;
  medianRunCostUsd: number | null;
  medianWallSeconds: number | null;
  wastedUsd: number;
  wasteShare: number | null;
  /** The like-for-like figure with its interval (unmatched when match is "none"). */
  matched: MatchedEstimate;
  /** Runs started in each week of the range (unmatched figures). */
  weeks: CohortWeek[];
}

export interface CompareResult {
  from: string;
  to: string;
  cohorts: CohortResult[];
  matching: {
    by: "project" | "none";
    /** The projects compared, each with its weight and runs per cohort. */
    strata: Stratum[];
    /** Runs of each cohort left out of the matched figures (their project has no runs of another cohort). */
    unmatchedRuns: number[];
    description: string;
  };
  /** Runs that belong to more than one cohort: the intervals treat cohorts as independent samples. */
  sharedRuns: number;
  method: {
    interval: string;
    resamples: number;
    seed: number;
    confidence: number;
    minRuns: number;
    minAccepted: number;
    moreRunsRule: string;
  };
  verdict: Verdict;
}

interface RunRow {
  id: string;
  project: string;
  costUsd: number;
  tokens: number;
  accepted: boolean;
  wallSeconds: number;
  week: string;
  wastedUsd: number;
}

/**
 * The run read that instruction file (by its name, or the end of its path after a "/", in any
 * case) in that version: some read of it returned output whose SHA-256 starts with the version
 * (ToolCall.outputHash). The reads are the context package's (lib/context-package/measure.ts).
 */
function instructionCondition(value: string): Prisma.Sql {
  const { file, version } = instructionVersionOf(value);
  const name = file.toLowerCase();
  return Prisma.sql`EXISTS (
    SELECT 1 FROM ${c.$}
      CROSS JOIN LATERAL jsonb_array_elements(${c.instructionFiles}) f(used)
      CROSS JOIN LATERAL jsonb_array_elements_text(f.used->'toolCallIds') tc(id)
      JOIN ${x.$} ON ${x.teamId} = ${c.teamId} AND ${x.id} = tc.id::bigint
    WHERE ${c.teamId} = ${rRun.teamId} AND ${c.runId} = ${rRun.id}
      AND (lower(f.used->>'path') = ${name} OR right(lower(f.used->>'path'), ${name.length + 1}::int) = ${`/${name}`})
      ${version === null ? Prisma.empty : Prisma.sql`AND starts_with(${x.outputHash}, ${version})`})`;
}

/** A SQL condition for a cohort's spec, on Run r, Person o, Project p and main model m.model. */
function cohortCondition(spec: CohortSpec): Prisma.Sql {
  const conditions: Prisma.Sql[] = [];
  if (spec.model !== undefined) conditions.push(Prisma.sql`coalesce(m.model, ${rRun.models}[1]) = ${spec.model}`);
  if (spec.source !== undefined) conditions.push(Prisma.sql`${rRun.source} = ${spec.source}`);
  if (spec.project === unallocatedKey) conditions.push(Prisma.sql`${rRun.projectId} IS NULL`);
  else if (spec.project !== undefined)
    conditions.push(Prisma.sql`(${rRun.projectId}::text = ${spec.project} OR ${pProject.name} = ${spec.project})`);
  if (spec.owner === unallocatedKey) conditions.push(Prisma.sql`${rRun.ownerId} IS NULL`);
  else if (spec.owner !== undefined)
    conditions.push(
      Prisma.sql`(${rRun.ownerId}::text = ${spec.owner} OR ${oPerson.email} = ${spec.owner} OR ${oPerson.displayName} = ${spec.owner})`,
    );
  if (spec.tag !== undefined) {
    const tag = tagOf(spec.tag);
    conditions.push(Prisma.sql`EXISTS (SELECT 1 FROM ${t.$}
      WHERE ${t.teamId} = ${rRun.teamId} AND ${t.runId} = ${rRun.id} AND ${t.key} = ${tag.key} AND ${t.value} = ${tag.value})`);
  }
  if (spec.instructions !== undefined) conditions.push(instructionCondition(spec.instructions));
  if (spec.after !== undefined) conditions.push(Prisma.sql`${rRun.startedAt} >= ${dayStart(spec.after)}`);
  if (spec.before !== undefined) conditions.push(Prisma.sql`${rRun.startedAt} < ${dayStart(spec.before)}`);
  return conditions.length === 0 ? Prisma.empty : Prisma.sql`AND ${Prisma.join(conditions, " AND ")}`;
}

/**
 * The runs of every cohort, read in one statement: each run started in the range once, with its
 * main model looked up once, and a flag per cohort; a run of several cohorts is in each of their
 * lists. More than `limit` runs in all the lists together is refused.
 */
async function cohortRuns(
  scope: Scope,
  range: { from: string; to: string },
  cohorts: Cohort[],
  limit: number,
): Promise<RunRow[][]> {
  const from = dayStart(range.from);
  const toExclusive = dayAfter(range.to);
  const member = cohorts.map((cohort) => Prisma.sql`(true ${cohortCondition(cohort.spec)})`);
  // A run's main model: the one it spent most on (then most calls, then by name), from the rollup.
  const rows = await readDb().$queryRaw<(RunRow & { cohorts: boolean[]; startedAt: Date })[]>`
    SELECT * FROM (
      SELECT ${rRun.id}::text AS id, coalesce(${pProject.name}, ${unallocatedKey}) AS project, ${rRun.costUsd}::float8 AS "costUsd",
        (${rRun.inputTokens} + ${rRun.outputTokens} + ${rRun.cacheWriteTokens} + ${rRun.cacheReadTokens})::float8 AS tokens,
        (${rRun.outcome} IS NOT DISTINCT FROM 'ACCEPTED') AS accepted,
        extract(epoch FROM ${rRun.endedAt} - ${rRun.startedAt})::float8 AS "wallSeconds",
        to_char(date_trunc('week', ${rRun.startedAt} AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS week,
        coalesce(${w.wastedUsd}, 0)::float8 AS "wastedUsd",
        ARRAY[${Prisma.join(member)}] AS cohorts, ${rRun.startedAt}
      FROM ${rRun.$}
      LEFT JOIN ${oPerson.$} ON ${oPerson.teamId} = ${rRun.teamId} AND ${oPerson.id} = ${rRun.ownerId}
      LEFT JOIN ${pProject.$} ON ${pProject.teamId} = ${rRun.teamId} AND ${pProject.id} = ${rRun.projectId}
      LEFT JOIN LATERAL (
        SELECT ${sRunDaySpend.model} FROM ${sRunDaySpend.$} WHERE ${sRunDaySpend.teamId} = ${rRun.teamId} AND ${sRunDaySpend.runId} = ${rRun.id}
        GROUP BY ${sRunDaySpend.model} ORDER BY sum(${sRunDaySpend.costUsd}) DESC, sum(${sRunDaySpend.calls}) DESC, ${sRunDaySpend.model} LIMIT 1) m ON true
      LEFT JOIN ${w.$} ON ${w.teamId} = ${rRun.teamId} AND ${w.runId} = ${rRun.id}
      WHERE ${rRun.teamId} = ${scope.teamId}::uuid AND ${rRun.startedAt} >= ${from} AND ${rRun.startedAt} < ${toExclusive}) runs
    WHERE true = ANY(runs.cohorts)
    ORDER BY runs."startedAt", runs.id
    LIMIT ${limit + 1}`;
  const lists = cohorts.map((_, i) =>
    rows.filter((row) => row.cohorts[i]).map(({ cohorts: _flags, startedAt: _started, ...run }): RunRow => run),
  );
  if (lists.reduce((sum, list) => sum + list.length, 0) > limit)
    throw badRequest(
      `these cohorts have more than ${MAX_COMPARED_RUNS} runs together in ${range.from} to ${range.to}: narrow the range or the cohorts`,
    );
  return lists;
}

const per = (part: number, whole: number) => (whole > 0 ? part / whole : null);

function weeksOf(runs: RunRow[]): CohortWeek[] {
  const weeks = new Map<string, CohortWeek>();
  for (const run of runs) {
    const week = weeks.get(run.week) ?? {
      week: run.week,
      runs: 0,
      spendUsd: 0,
      acceptedOutcomes: 0,
      costPerAcceptedUsd: null,
    };
    week.runs += 1;
    week.spendUsd += run.costUsd;
    week.acceptedOutcomes += run.accepted ? 1 : 0;
    weeks.set(run.week, week);
  }
  return [...weeks.values()]
    .sort((a, b) => a.week.localeCompare(b.week))
    .map((week) => ({ ...week, costPerAcceptedUsd: per(week.spendUsd, week.acceptedOutcomes) }));
}

export async function compareCohorts(scope: Scope, asked: CompareQuery): Promise<CompareResult> {
  // A saved filter's clauses first, so its owner clause is checked like any other.
  const query = { ...asked, cohort: await expandSavedFilters(scope, asked.cohort) };
  for (const cohort of query.cohort) assertMayBreakDown(scope, { owner: cohort.spec.owner }, "cohorts by owner need");
  const runsByCohort = await cohortRuns(scope, query, query.cohort, MAX_COMPARED_RUNS);
  const comparison = matchedComparison(
    runsByCohort.map((runs) =>
      runs.map((run) => ({ stratum: run.project, costUsd: run.costUsd, accepted: run.accepted })),
    ),
    query.match,
  );
  const labels = query.cohort.map((cohort) => cohort.label);
  const seen = new Map<string, number>();
  for (const runs of runsByCohort) for (const run of runs) seen.set(run.id, (seen.get(run.id) ?? 0) + 1);
  const cohorts = query.cohort.map((cohort, i): CohortResult => {
    const runs = runsByCohort[i]!;
    const spendUsd = runs.reduce((sum, run) => sum + run.costUsd, 0);
    const tokens = runs.reduce((sum, run) => sum + run.tokens, 0);
    const acceptedOutcomes = runs.filter((run) => run.accepted).length;
    const wastedUsd = runs.reduce((sum, run) => sum + run.wastedUsd, 0);
    return {
      label: cohort.label,
      spec: cohort.spec,
      runs: runs.length,
      acceptedOutcomes,
      acceptanceRate: per(acceptedOutcomes, runs.length),
      spendUsd,
      costPerAcceptedUsd: per(spendUsd, acceptedOutcomes),
      tokensPerAcceptedOutcome: per(tokens, acceptedOutcomes),
      medianRunCostUsd: median(runs.map((run) => run.costUsd)),
      medianWallSeconds: median(runs.map((run) => run.wallSeconds)),
      wastedUsd,
      wasteShare: per(wastedUsd, spendUsd),
      matched: comparison.estimates[i]!,
      weeks: weeksOf(runs),
    };
  });
  const matched = query.match === "project";
  return {
    from: query.from,
    to: query.to,
    cohorts,
    matching: {
      by: query.match,
      strata: comparison.strata,
      unmatchedRuns: comparison.unmatchedRuns,
      description: matched
        ? `Matched by project: only the ${comparison.strata.length} project(s) with runs of every cohort are compared, each weighted by its share of those runs, the same weights for every cohort (runs without a project form one group). Each cohort's matched cost per accepted outcome is its weighted mean run cost over its weighted acceptance rate.`
        : "Not matched: each cohort's runs as they are, whatever projects they worked on.",
    },
    sharedRuns: [...seen.values()].filter((n) => n > 1).length,
    method: {
      interval: `Stratified percentile bootstrap over runs: ${RESAMPLES} resamples, runs drawn with replacement within each cohort and project, xoroshiro128+ seeded with ${BOOTSTRAP_SEED} (the same runs give the same interval).`,
      resamples: RESAMPLES,
      seed: BOOTSTRAP_SEED,
      confidence: CONFIDENCE,
      minRuns: MIN_RUNS,
      minAccepted: MIN_ACCEPTED,
      moreRunsRule: MORE_RUNS_RULE,
    },
    verdict: verdict(labels, comparison, matched),
  };
}

export const compareCsvHeader = [
  "cohort",
  "runs",
  "acceptedOutcomes",
  "acceptanceRate",
  "spendUsd",
  "costPerAcceptedUsd",
  "tokensPerAcceptedOutcome",
  "medianRunCostUsd",
  "medianWallSeconds",
  "wastedUsd",
  "wasteShare",
  "matchedRuns",
  "matchedAcceptedOutcomes",
  "matchedCostPerAcceptedUsd",
  "intervalLowUsd",
  "intervalHighUsd",
  "verdict",
  "winner",
];

/** One CSV row per cohort; the verdict's kind and whether this cohort is the winner on each. */
export function compareCsvRows(result: CompareResult): (string | number | null)[][] {
  return result.cohorts.map((cohort) => [
    cohort.label,
    cohort.runs,
    cohort.acceptedOutcomes,
    cohort.acceptanceRate,
    cohort.spendUsd,
    cohort.costPerAcceptedUsd,
    cohort.tokensPerAcceptedOutcome,
    cohort.medianRunCostUsd,
    cohort.medianWallSeconds,
    cohort.wastedUsd,
    cohort.wasteShare,
    cohort.matched.runs,
    cohort.matched.acceptedOutcomes,
    cohort.matched.costPerAcceptedUsd,
    cohort.matched.interval?.low ?? null,
    cohort.matched.interval?.high ?? null,
    result.verdict.kind,
    result.verdict.winner === cohort.label ? "yes" : "no",
  ]);
}
