/**
 * Rebuilding every rollup from the calls themselves, for when a rollup was added after the data or
 * must be repaired (the backfill); re-pricing history goes through the same rebuildRunDays
 * (lib/rollups/spend.ts) for the (run, day)s whose calls it re-priced. Dashboards never read Call;
 * these are the only readers of calls over a date range, and they write what dashboards read.
 */

import { db } from "@/lib/db/client";
import { recordColumns } from "@/lib/db/columns";
import { table } from "@/lib/db/tables";
import { lockTeamWrites } from "@/lib/db/team-lock";
import { Prisma } from "@/lib/generated/prisma/client";
import { recomputeRunFindings } from "@/lib/waste/recompute";
import { rebuildRunDays, runDayColumns } from "./spend";

const aRunCostAnatomy = table("RunCostAnatomy", "a");
const c = table("Call", "c");
const r = table("Run", "r");
const s = table("RunDaySpend", "s");

const runIdColumns = recordColumns({ id: "uuid" });

/** A UTC date range, both ends included (YYYY-MM-DD); omitted: the team's whole history. */
export interface RebuildRange {
  from: string;
  to: string;
}

/**
 * Rebuilds, for the UTC days in `range` (all when omitted), every (run, day) that has calls or
 * spend (rebuildRunDays: RunDaySpend from Call, the runs' totals, DailySpend of those days), then
 * the runs' findings, cost anatomies and context packages. The spend levels change in one
 * transaction under the team's write lock (an ingest chunk or attribution change waits); the
 * per-run rollups follow, as they do after an ingest. Returns the runs and days rebuilt.
 */
export async function rebuildRollups(teamId: string, range?: RebuildRange): Promise<{ runs: number; days: number }> {
  const dayAfter = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000);
  const inRange = range
    ? Prisma.sql`AND ${c.timestamp} >= ${new Date(`${range.from}T00:00:00Z`)} AND ${c.timestamp} < ${dayAfter(range.to)}`
    : Prisma.empty;
  const rangeDays = range ? Prisma.sql`AND ${s.day} BETWEEN ${range.from}::date AND ${range.to}::date` : Prisma.empty;
  const runDays = await db().$transaction(
    async (tx) => {
      // The writer's and re-attribution's team lock: no chunk or attribution change interleaves.
      await lockTeamWrites(tx, teamId);
      // (run, day)s that had spend (to clear) and that have calls (to write): a changed day may be either.
      const runDays = await runDayColumns.read(
        tx,
        Prisma.sql`
          SELECT ${s.runId}::text AS "runId", ${s.day}::text AS day FROM ${s.$} WHERE ${s.teamId} = ${teamId}::uuid ${rangeDays}
          UNION SELECT ${c.runId}::text, (${c.timestamp} AT TIME ZONE 'UTC')::date::text FROM ${c.$} WHERE ${c.teamId} = ${teamId}::uuid ${inRange}`,
      );
      await rebuildRunDays(tx, teamId, runDays);
      return runDays;
    },
    { timeout: 600_000, maxWait: 120_000 },
  );
  const runIds = [...new Set(runDays.map((runDay) => runDay.runId))].sort();
  await recomputeRunFindings(teamId, runIds);
  return { runs: runIds.length, days: new Set(runDays.map((runDay) => runDay.day)).size };
}

/**
 * Runs whose calls were stored before their cost anatomy was kept (RunCostAnatomy): computes it,
 * with their findings and context packages, once. `npm start` calls it after the migrations.
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
