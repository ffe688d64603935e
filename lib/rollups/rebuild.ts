/**
 * Rebuilding every rollup from the calls themselves, for when the calls' stored amounts changed
 * other than through the ingest writer's deltas (re-pricing history under a price override) or
 * when a rollup was added after the data (the start-up backfill). Dashboards never read Call;
 * these are the only readers of calls over a date range, and they write what dashboards read.
 */

import { recomputeRunPackages } from "@/lib/context-package/recompute";
import { db } from "@/lib/db/client";
import { recordColumns } from "@/lib/db/columns";
import { table } from "@/lib/db/tables";
import { Prisma } from "@/lib/generated/prisma/client";
import { recomputeRunFindings } from "@/lib/waste/recompute";
import { rebuildDailySpend } from "./spend";

const Run = table("Run");
const RunDaySpendTable = table("RunDaySpend");
const aRunCostAnatomy = table("RunCostAnatomy", "a");
const c = table("Call", "c");
const r = table("Run", "r");

const runIdColumns = recordColumns({ id: "uuid" });
const dayColumns = recordColumns({ day: "date" });

/** A UTC date range, both ends included (YYYY-MM-DD); omitted: the team's whole history. */
export interface RebuildRange {
  from: string;
  to: string;
}

/**
 * Rebuilds, for the calls whose UTC day falls in `range` (all when omitted): RunDaySpend of
 * those days from Call, the totals of the runs concerned, DailySpend of those days, then the
 * runs' findings, cost anatomies and context packages. The spend levels change in one
 * transaction under the team's write lock (an ingest chunk or attribution change waits); the
 * per-run rollups follow, as they do after an ingest. Returns the runs and days rebuilt.
 */
export async function rebuildRollups(teamId: string, range?: RebuildRange): Promise<{ runs: number; days: number }> {
  const dayAfter = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000);
  const inRange = range
    ? Prisma.sql`AND ${c.timestamp} >= ${new Date(`${range.from}T00:00:00Z`)} AND ${c.timestamp} < ${dayAfter(range.to)}`
    : Prisma.empty;
  const rangeDays = range ? Prisma.sql`AND day BETWEEN ${range.from}::date AND ${range.to}::date` : Prisma.empty;
  const { runIds, days } = await db().$transaction(
    async (tx) => {
      // The writer's and re-attribution's team lock: no chunk or attribution change interleaves.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${teamId}))`;
      const runs = await runIdColumns.read(
        tx,
        Prisma.sql`
          SELECT ${r.id}::text AS id FROM ${r.$}
          WHERE ${r.teamId} = ${teamId}::uuid AND ${r.id} IN (SELECT DISTINCT ${c.runId} FROM ${c.$} WHERE ${c.teamId} = ${teamId}::uuid ${inRange})
          ORDER BY ${r.id}`,
      );
      const runIds = runs.map((run) => run.id);
      // Days that had spend (to clear) and days that have calls (to write): a re-priced day may be either.
      const days = await dayColumns.read(
        tx,
        Prisma.sql`
          SELECT DISTINCT ${RunDaySpendTable.day}::text AS day FROM ${RunDaySpendTable.$} WHERE ${RunDaySpendTable.teamId} = ${teamId}::uuid ${rangeDays}
          UNION SELECT DISTINCT (${c.timestamp} AT TIME ZONE 'UTC')::date::text FROM ${c.$} WHERE ${c.teamId} = ${teamId}::uuid ${inRange}`,
      );
      const dayList = days.map((row) => row.day);
      await tx.$executeRaw`DELETE FROM ${RunDaySpendTable.$} WHERE ${RunDaySpendTable.teamId} = ${teamId}::uuid AND ${RunDaySpendTable.day} = ANY(${dayList}::date[])`;
      await tx.$executeRaw`
        INSERT INTO ${RunDaySpendTable.$} (${RunDaySpendTable.teamId}, ${RunDaySpendTable.runId}, ${RunDaySpendTable.day}, ${RunDaySpendTable.model}, ${RunDaySpendTable.calls}, ${RunDaySpendTable.inputTokens}, ${RunDaySpendTable.outputTokens}, ${RunDaySpendTable.cacheWriteTokens}, ${RunDaySpendTable.cacheReadTokens}, ${RunDaySpendTable.costUsd})
        SELECT ${c.teamId}, ${c.runId}, (${c.timestamp} AT TIME ZONE 'UTC')::date, ${c.model}, count(*), sum(${c.uncachedInput}), sum(${c.output}),
          sum(${c.cacheWrite5m} + ${c.cacheWrite1h}), sum(${c.cacheRead}), sum(${c.costUsd})
        FROM ${c.$} WHERE ${c.teamId} = ${teamId}::uuid ${inRange}
        GROUP BY 1, 2, 3, 4`;
      // A run's totals cover all its days, those outside the range included.
      await tx.$executeRaw`
        UPDATE ${r.$} SET ${Run.calls} = coalesce(s.calls, 0), ${Run.inputTokens} = coalesce(s.input, 0), ${Run.outputTokens} = coalesce(s.output, 0),
          ${Run.cacheWriteTokens} = coalesce(s.cache_write, 0), ${Run.cacheReadTokens} = coalesce(s.cache_read, 0), ${Run.costUsd} = coalesce(s.cost, 0)
        FROM (SELECT id FROM unnest(${runIds}::uuid[]) id) touched
        LEFT JOIN (SELECT ${RunDaySpendTable.runId}, sum(${Run.calls}) AS calls, sum(${Run.inputTokens}) AS input, sum(${Run.outputTokens}) AS output,
                     sum(${Run.cacheWriteTokens}) AS cache_write, sum(${Run.cacheReadTokens}) AS cache_read, sum(${Run.costUsd}) AS cost
                   FROM ${RunDaySpendTable.$} WHERE ${Run.teamId} = ${teamId}::uuid AND ${RunDaySpendTable.runId} = ANY(${runIds}::uuid[]) GROUP BY ${RunDaySpendTable.runId}) s
          ON s."runId" = touched.id
        WHERE ${r.teamId} = ${teamId}::uuid AND ${r.id} = touched.id`;
      await rebuildDailySpend(tx, teamId, dayList);
      return { runIds, days: dayList };
    },
    { timeout: 600_000, maxWait: 120_000 },
  );
  await recomputeRunFindings(teamId, runIds);
  await recomputeRunPackages(teamId, runIds);
  return { runs: runIds.length, days: days.length };
}

/**
 * Runs whose calls were stored before their cost anatomy was kept (RunCostAnatomy): computes it,
 * with their findings, once. `npm start` calls it after the migrations.
 */
export async function backfillRunAnatomies(): Promise<{ runs: number }> {
  const teams = await db().team.findMany({ select: { id: true } });
  let runs = 0;
  for (const { id: teamId } of teams) {
    const missing = await runIdColumns.read(
      db(),
      Prisma.sql`
        SELECT ${r.id}::text AS id FROM ${r.$}
        WHERE ${r.teamId} = ${teamId}::uuid AND ${r.calls} > 0
          AND NOT EXISTS (SELECT 1 FROM ${aRunCostAnatomy.$} WHERE ${aRunCostAnatomy.teamId} = ${r.teamId} AND ${aRunCostAnatomy.runId} = ${r.id})
        ORDER BY ${r.startedAt}, ${r.id}`,
    );
    // A few hundred runs per transaction: progress is kept if the start is interrupted.
    for (let start = 0; start < missing.length; start += 200) {
      const batch = missing.slice(start, start + 200).map((run) => run.id);
      await recomputeRunFindings(teamId, batch);
      runs += batch.length;
    }
  }
  return { runs };
}
