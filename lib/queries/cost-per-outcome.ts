/**
 * Cost per accepted outcome: all spend of a period, accepted or not, divided by the outcomes
 * accepted in it, by week, owner or project: `GET /api/v1/outcomes/cost` and the overview's
 * outcomes section. Spend comes from the DailySpend rollup (the same numbers as the spend API);
 * an outcome counts when a run's latest decision is ACCEPTED and was made in the
 * period, so a redelivered webhook or a re-marked run is counted once.
 *
 * Claude Code analytics (lib/billing) is a weak signal beside them, never counted as accepted: a
 * Claude Code run started in the period with no recorded outcome, whose owner's Claude Code
 * commits or pull requests are above zero on a day the run spent, is "likely accepted (Claude Code
 * activity)" (likelyAcceptedRuns). Owner rows also carry the owner's activity in the period.
 */
import { z } from "zod";
import { assertMayBreakDown } from "@/lib/auth/policy";
import type { Scope } from "@/lib/auth/scope";
import { type ActivityTotals, activityByOwner, personActivityEmails } from "@/lib/billing/claude-code-activity";
import { dayAfter, dayStart } from "@/lib/days";
import { readDb } from "@/lib/db/client";
import { table } from "@/lib/db/tables";
import { Prisma } from "@/lib/generated/prisma/client";
import { dateRangeSchema } from "./params";
import { dailySpendSource, dimensionFilter, spendGroupKey, unallocatedKey } from "./spend-by-group";

const aClaudeCodeActivity = table("ClaudeCodeActivity", "a");
const oPerson = table("Person", "o");
const pProject = table("Project", "p");
const rRun = table("Run", "r");
const sRunDaySpend = table("RunDaySpend", "s");
const x = table("Outcome", "x");

export const outcomeCostGroups = ["week", "owner", "project"] as const;
export type OutcomeCostGroup = (typeof outcomeCostGroups)[number];

export const outcomeCostQuerySchema = z
  .object({
    groupBy: z.enum(outcomeCostGroups).default("week"),
    project: z.string().max(200).optional(),
    owner: z.string().max(320).optional(),
  })
  .and(dateRangeSchema);
export type OutcomeCostQuery = z.output<typeof outcomeCostQuerySchema>;

export interface OutcomeCost {
  spendUsd: number;
  acceptedOutcomes: number;
  /** null when nothing was accepted: the cost per outcome is not a number then. */
  costPerAcceptedUsd: number | null;
  /** Spend of runs whose outcome is not (or not yet) accepted. */
  unacceptedSpendUsd: number;
  /** Runs with no recorded outcome that Claude Code activity suggests were accepted: a signal, not in the figures above. */
  likelyAcceptedRuns: number;
}

export interface OutcomeCostResult {
  /** `activity`: the owner's Claude Code analytics in the period, on owner rows of a known person (else null). */
  rows: ({ key: string; activity?: ActivityTotals | null } & OutcomeCost)[];
  totals: OutcomeCost;
}

/** Group keys over a Run aliased r with its owner o and project p (outcomes and unaccepted spend). */
const runKey: Record<Exclude<OutcomeCostGroup, "week">, Prisma.Sql> = {
  owner: Prisma.sql`coalesce(${oPerson.email}, ${oPerson.displayName}, ${unallocatedKey})`,
  project: Prisma.sql`coalesce(${pProject.name}, ${unallocatedKey})`,
};

function costOf(
  spendUsd: number,
  acceptedOutcomes: number,
  unacceptedSpendUsd: number,
  likelyAcceptedRuns: number,
): OutcomeCost {
  return {
    spendUsd,
    acceptedOutcomes,
    costPerAcceptedUsd: acceptedOutcomes > 0 ? spendUsd / acceptedOutcomes : null,
    unacceptedSpendUsd,
    likelyAcceptedRuns,
  };
}

export async function costPerOutcome(scope: Scope, query: OutcomeCostQuery): Promise<OutcomeCostResult> {
  assertMayBreakDown(scope, query, "cost by owner needs");
  const from = dayStart(query.from);
  const toExclusive = dayAfter(query.to);
  const spend = dailySpendSource(scope, query);
  const grouped = query.groupBy !== "week";
  // The same grouping over each source: the rollup, the runs' days, the decisions.
  const spendKey = spendGroupKey(query.groupBy);
  const dayKey = (day: Prisma.Sql) => Prisma.sql`to_char(date_trunc('week', ${day}), 'YYYY-MM-DD')`;
  const unacceptedKey = grouped ? runKey[query.groupBy as Exclude<OutcomeCostGroup, "week">] : dayKey(sRunDaySpend.day);
  const likelyKey = grouped
    ? runKey[query.groupBy as Exclude<OutcomeCostGroup, "week">]
    : dayKey(Prisma.sql`(${rRun.startedAt} AT TIME ZONE 'UTC')::date`);
  const acceptedKey = grouped
    ? runKey[query.groupBy as Exclude<OutcomeCostGroup, "week">]
    : dayKey(Prisma.sql`(${x.decidedAt} AT TIME ZONE 'UTC')::date`);
  const ownerProjectJoins = Prisma.sql`
    LEFT JOIN ${oPerson.$} ON ${oPerson.teamId} = ${scope.teamId}::uuid AND ${oPerson.id} = ${rRun.ownerId}
    LEFT JOIN ${pProject.$} ON ${pProject.teamId} = ${scope.teamId}::uuid AND ${pProject.id} = ${rRun.projectId}`;
  // The same owner and project filters as the spend, on the runs behind outcomes and unaccepted spend.
  const runFilters = Prisma.sql`
    ${dimensionFilter(Prisma.sql`coalesce(${rRun.ownerId}::text, '')`, [oPerson.email, oPerson.displayName], query.owner)}
    ${dimensionFilter(Prisma.sql`coalesce(${rRun.projectId}::text, '')`, [pProject.name], query.project)}`;

  // One statement gives the rows and the totals (GROUPING SETS), so the totals are exact sums, never
  // float sums of the rows. Keys are joined as "k:<key>", the total row as "t:".
  const joinKey = Prisma.sql`CASE WHEN grouping(k) = 1 THEN 't:' ELSE 'k:' || k END`;
  const rowsAndTotal = await readDb().$queryRaw<
    {
      key: string;
      spendUsd: number;
      acceptedOutcomes: number;
      unacceptedSpendUsd: number;
      likelyAcceptedRuns: number;
    }[]
  >`
    WITH spend AS (
      SELECT ${joinKey} AS key, sum(v) AS usd FROM (SELECT ${spendKey} AS k, d."costUsd" AS v ${spend}) x
      GROUP BY GROUPING SETS ((k), ())
    ), unaccepted AS (
      SELECT ${joinKey} AS key, sum(v) AS usd FROM (
        SELECT ${unacceptedKey} AS k, ${sRunDaySpend.costUsd} AS v
        FROM ${sRunDaySpend.$} JOIN ${rRun.$} ON ${rRun.teamId} = ${sRunDaySpend.teamId} AND ${rRun.id} = ${sRunDaySpend.runId}
        ${ownerProjectJoins}
        WHERE ${sRunDaySpend.teamId} = ${scope.teamId}::uuid AND ${sRunDaySpend.day} >= ${from}::date AND ${sRunDaySpend.day} < ${toExclusive}::date
          AND ${rRun.outcome} IS DISTINCT FROM 'ACCEPTED' ${runFilters}) x
      GROUP BY GROUPING SETS ((k), ())
    ), latest AS (
      SELECT DISTINCT ON (${x.runId}) x.*
      FROM ${x.$} WHERE ${x.teamId} = ${scope.teamId}::uuid
      ORDER BY ${x.runId}, ${x.decidedAt} DESC, ${x.id} DESC
    ), accepted AS (
      SELECT ${joinKey} AS key, count(*) AS n FROM (
        SELECT ${acceptedKey} AS k
        FROM latest x
        LEFT JOIN ${rRun.$} ON ${rRun.teamId} = ${x.teamId} AND ${rRun.id} = ${x.runId}
        ${ownerProjectJoins}
        WHERE ${x.status} = 'ACCEPTED' AND ${x.decidedAt} >= ${from} AND ${x.decidedAt} < ${toExclusive}
          ${runFilters}) x
      GROUP BY GROUPING SETS ((k), ())
    ), likely AS (
      SELECT ${joinKey} AS key, count(*) AS n FROM (
        SELECT ${likelyKey} AS k
        FROM ${rRun.$} ${ownerProjectJoins}
        WHERE ${rRun.teamId} = ${scope.teamId}::uuid AND ${rRun.outcome} IS NULL AND ${rRun.source} = 'claude-code'
          AND ${rRun.startedAt} >= ${from} AND ${rRun.startedAt} < ${toExclusive}
          AND EXISTS (
            SELECT 1 FROM ${sRunDaySpend.$} JOIN ${aClaudeCodeActivity.$} ON ${aClaudeCodeActivity.teamId} = ${sRunDaySpend.teamId} AND ${aClaudeCodeActivity.day} = ${sRunDaySpend.day}
            WHERE ${sRunDaySpend.teamId} = ${rRun.teamId} AND ${sRunDaySpend.runId} = ${rRun.id} AND (${aClaudeCodeActivity.commits} > 0 OR ${aClaudeCodeActivity.pullRequests} > 0)
              AND ${aClaudeCodeActivity.actor} IN ${personActivityEmails(scope.teamId, rRun.ownerId)})
          ${runFilters}) x
      GROUP BY GROUPING SETS ((k), ())
    )
    SELECT substr(coalesce(spend.key, accepted.key, unaccepted.key, likely.key), 3) AS key,
      coalesce(spend.usd, 0)::float8 AS "spendUsd", coalesce(accepted.n, 0)::int AS "acceptedOutcomes",
      coalesce(unaccepted.usd, 0)::float8 AS "unacceptedSpendUsd", coalesce(likely.n, 0)::int AS "likelyAcceptedRuns"
    FROM spend FULL JOIN accepted ON accepted.key = spend.key
      FULL JOIN unaccepted ON unaccepted.key = coalesce(spend.key, accepted.key)
      FULL JOIN likely ON likely.key = coalesce(spend.key, accepted.key, unaccepted.key)
    ORDER BY ${grouped ? Prisma.sql`2 DESC, 1` : Prisma.sql`1`}`;
  const rows = rowsAndTotal.filter((row) => row.key !== "");
  const total = rowsAndTotal.find((row) => row.key === "");
  const activity = query.groupBy === "owner" ? await activityByOwner(scope, query) : null;
  return {
    rows: rows.map((row) => ({
      key: row.key,
      ...costOf(row.spendUsd, row.acceptedOutcomes, row.unacceptedSpendUsd, row.likelyAcceptedRuns),
      ...(activity ? { activity: activity.get(row.key) ?? null } : {}),
    })),
    totals: costOf(
      total?.spendUsd ?? 0,
      total?.acceptedOutcomes ?? 0,
      total?.unacceptedSpendUsd ?? 0,
      total?.likelyAcceptedRuns ?? 0,
    ),
  };
}
