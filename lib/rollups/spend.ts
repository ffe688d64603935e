/**
 * The spend rollups, every rule of them in one place. Three levels hold the same amounts:
 * - Run's totals (calls, tokens, cost), kept in step with its calls;
 * - RunDaySpend: per run, UTC day and model, written at ingest by deltas;
 * - DailySpend, the rollup dashboards read: per day, each run's attribution (owner, project,
 *   task), model and the agent it came from (the run's source). A run split among owners contributes its exact share to each of them.
 * The ingest writer adds a chunk's deltas (applySpendDeltas); re-attribution rebuilds whole days
 * of DailySpend from RunDaySpend (rebuildDailySpend). Both go through one SQL shape (addToDailySpend).
 * When stored calls change otherwise (re-pricing, the rollup backfill), the (run, day)s they fall
 * on are summed again from Call (rebuildRunDays), the one way for both.
 */

import { type RowOf, recordColumns, type SqlClient, tableColumns } from "@/lib/db/columns";
import { table } from "@/lib/db/tables";
import { Prisma } from "@/lib/generated/prisma/client";
import type { RunDaySpendModel } from "@/lib/generated/prisma/models/RunDaySpend";

const DailySpendTable = table("DailySpend");
/** The row an INSERT ... ON CONFLICT DO UPDATE finds in place. */
const storedDailySpend = table("DailySpend", "stored");
const storedRunDaySpend = table("RunDaySpend", "stored");
const RunDaySpendTable = table("RunDaySpend");
const RunTable = table("Run");
const dailySpendExcluded = table("DailySpend", "excluded");
const c = table("Call", "c");
const r = table("Run", "r");
const runDaySpendExcluded = table("RunDaySpend", "excluded");
const sDailySpend = table("DailySpend", "s");
const sRunDaySpend = table("RunDaySpend", "s");
const sRunOwnerShare = table("RunOwnerShare", "s");

/** What a chunk adds to a run on one day for one model; negative for replaced or retracted copies. */
export const spendDeltaColumns = tableColumns<RunDaySpendModel>()({
  runId: "uuid",
  day: "date",
  model: "text",
  calls: "int",
  inputTokens: "bigint",
  outputTokens: "bigint",
  cacheWriteTokens: "bigint",
  cacheReadTokens: "bigint",
  costUsd: "numeric",
});
export type SpendDelta = RowOf<typeof spendDeltaColumns>;

/**
 * `amounts` is a FROM item aliased `d` with RunDaySpend's columns (runId, day, model, calls, the
 * four token columns, costUsd). Returns an INSERT that adds them to DailySpend by attribution.
 */
function addToDailySpend(teamId: string, amounts: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`
    INSERT INTO ${storedDailySpend.$} (${DailySpendTable.teamId}, ${DailySpendTable.day}, ${DailySpendTable.ownerId}, ${DailySpendTable.projectId}, ${DailySpendTable.taskId}, ${DailySpendTable.model}, ${DailySpendTable.source}, ${DailySpendTable.calls}, ${DailySpendTable.inputTokens}, ${DailySpendTable.outputTokens}, ${DailySpendTable.cacheWriteTokens}, ${DailySpendTable.cacheReadTokens}, ${DailySpendTable.costUsd})
    SELECT ${teamId}::uuid, d.day, coalesce(${sRunOwnerShare.personId}::text, ${r.ownerId}::text, ''), coalesce(${r.projectId}::text, ''), coalesce(${r.taskId}::text, ''), d.model, ${r.source},
      sum(d.calls * f.share), sum(d."inputTokens" * f.share), sum(d."outputTokens" * f.share), sum(d."cacheWriteTokens" * f.share),
      sum(d."cacheReadTokens" * f.share), sum(d."costUsd" * f.share)
    FROM ${amounts}
    JOIN ${r.$} ON ${r.teamId} = ${teamId}::uuid AND ${r.id} = d."runId"
    LEFT JOIN ${sRunOwnerShare.$} ON ${sRunOwnerShare.teamId} = ${r.teamId} AND ${sRunOwnerShare.runId} = ${r.id}
    CROSS JOIN LATERAL (SELECT coalesce(${sRunOwnerShare.percent} / 100, 1)::numeric AS share) f
    GROUP BY 1, 2, 3, 4, 5, 6, 7
    ON CONFLICT (${DailySpendTable.teamId}, ${DailySpendTable.day}, ${DailySpendTable.ownerId}, ${DailySpendTable.projectId}, ${DailySpendTable.taskId}, ${DailySpendTable.model}, ${DailySpendTable.source}) DO UPDATE SET
      ${DailySpendTable.calls} = ${storedDailySpend.calls} + ${dailySpendExcluded.calls}, ${DailySpendTable.inputTokens} = ${storedDailySpend.inputTokens} + ${dailySpendExcluded.inputTokens},
      ${DailySpendTable.outputTokens} = ${storedDailySpend.outputTokens} + ${dailySpendExcluded.outputTokens},
      ${DailySpendTable.cacheWriteTokens} = ${storedDailySpend.cacheWriteTokens} + ${dailySpendExcluded.cacheWriteTokens},
      ${DailySpendTable.cacheReadTokens} = ${storedDailySpend.cacheReadTokens} + ${dailySpendExcluded.cacheReadTokens}, ${DailySpendTable.costUsd} = ${storedDailySpend.costUsd} + ${dailySpendExcluded.costUsd}`;
}

/**
 * Adds deltas to all three levels in the caller's transaction (after the runs' attribution is
 * settled, so the spend lands on their owner, project and task). Rows a retraction empties go.
 */
export async function applySpendDeltas(tx: SqlClient, teamId: string, deltas: SpendDelta[]): Promise<void> {
  if (deltas.length === 0) return;
  const d = spendDeltaColumns.from(deltas, "d");
  await tx.$executeRaw`
    INSERT INTO ${storedRunDaySpend.$} (${RunDaySpendTable.teamId}, ${spendDeltaColumns.names()})
    SELECT ${teamId}::uuid, d.* FROM ${d}
    ON CONFLICT (${RunDaySpendTable.teamId}, ${RunDaySpendTable.runId}, ${RunDaySpendTable.day}, ${RunDaySpendTable.model}) DO UPDATE SET
      ${RunDaySpendTable.calls} = ${storedRunDaySpend.calls} + ${runDaySpendExcluded.calls}, ${RunDaySpendTable.inputTokens} = ${storedRunDaySpend.inputTokens} + ${runDaySpendExcluded.inputTokens},
      ${RunDaySpendTable.outputTokens} = ${storedRunDaySpend.outputTokens} + ${runDaySpendExcluded.outputTokens},
      ${RunDaySpendTable.cacheWriteTokens} = ${storedRunDaySpend.cacheWriteTokens} + ${runDaySpendExcluded.cacheWriteTokens},
      ${RunDaySpendTable.cacheReadTokens} = ${storedRunDaySpend.cacheReadTokens} + ${runDaySpendExcluded.cacheReadTokens}, ${RunDaySpendTable.costUsd} = ${storedRunDaySpend.costUsd} + ${runDaySpendExcluded.costUsd}`;
  await tx.$executeRaw`
    UPDATE ${r.$} SET ${RunTable.calls} = ${r.calls} + s.calls, ${RunTable.inputTokens} = ${r.inputTokens} + s.input, ${RunTable.outputTokens} = ${r.outputTokens} + s.output,
      ${RunTable.cacheWriteTokens} = ${r.cacheWriteTokens} + s.cache_write, ${RunTable.cacheReadTokens} = ${r.cacheReadTokens} + s.cache_read, ${RunTable.costUsd} = ${r.costUsd} + s.cost
    FROM (SELECT d."runId", sum(d.calls) AS calls, sum(d."inputTokens") AS input, sum(d."outputTokens") AS output,
            sum(d."cacheWriteTokens") AS cache_write, sum(d."cacheReadTokens") AS cache_read, sum(d."costUsd") AS cost
          FROM ${d} GROUP BY d."runId") s
    WHERE ${r.teamId} = ${teamId}::uuid AND ${r.id} = s."runId"`;
  await tx.$executeRaw(addToDailySpend(teamId, d));
  if (deltas.some((delta) => delta.calls < 0)) {
    // Retracted replays can empty a rollup row; an empty row would still name its day and model.
    await tx.$executeRaw`
      DELETE FROM ${sRunDaySpend.$} USING ${d}
      WHERE ${sRunDaySpend.teamId} = ${teamId}::uuid AND ${sRunDaySpend.runId} = d."runId" AND ${sRunDaySpend.day} = d.day AND ${sRunDaySpend.model} = d.model AND ${sRunDaySpend.calls} = 0 AND ${sRunDaySpend.costUsd} = 0`;
    await tx.$executeRaw`
      DELETE FROM ${sDailySpend.$} USING ${d}
      WHERE ${sDailySpend.teamId} = ${teamId}::uuid AND ${sDailySpend.day} = d.day AND ${sDailySpend.model} = d.model AND ${sDailySpend.calls} = 0 AND ${sDailySpend.costUsd} = 0`;
  }
}

/** Recomputes DailySpend for whole days from RunDaySpend and the runs' current attribution. */
export async function rebuildDailySpend(tx: SqlClient, teamId: string, days: string[]): Promise<void> {
  if (days.length === 0) return;
  await tx.$executeRaw`DELETE FROM ${DailySpendTable.$} WHERE ${DailySpendTable.teamId} = ${teamId}::uuid AND ${DailySpendTable.day} = ANY(${days}::date[])`;
  await tx.$executeRaw(
    addToDailySpend(
      teamId,
      Prisma.sql`(SELECT * FROM ${RunDaySpendTable.$} WHERE ${RunDaySpendTable.teamId} = ${teamId}::uuid AND ${RunDaySpendTable.day} = ANY(${days}::date[])) d`,
    ),
  );
}

/** A run's calls on one UTC day: what rebuildRunDays sums again. */
export const runDayColumns = spendDeltaColumns.pick("runId", "day");
export type RunDay = RowOf<typeof runDayColumns>;

/**
 * The one way the rollups follow calls whose stored amounts changed other than by the writer's
 * deltas (re-pricing, the rollup backfill): RunDaySpend of each (run, UTC day) is summed again from
 * its calls, the runs' totals from their RunDaySpend, and DailySpend of those days from
 * RunDaySpend, in the caller's transaction (which holds the team's write lock). Exact by
 * construction: sums of the stored amounts, no arithmetic on differences. Days whose raw calls
 * retention removed (before the run's callsRemovedBefore) are final and kept as they are.
 */
export async function rebuildRunDays(tx: SqlClient, teamId: string, runDays: RunDay[]): Promise<void> {
  if (runDays.length === 0) return;
  const p = runDayColumns.from(runDays, "p");
  const kept = Prisma.sql`(${r.callsRemovedBefore} IS NULL OR p.day >= (${r.callsRemovedBefore} AT TIME ZONE 'UTC')::date)`;
  await tx.$executeRaw`
    DELETE FROM ${sRunDaySpend.$} USING ${p}, ${r.$}
    WHERE ${sRunDaySpend.teamId} = ${teamId}::uuid AND ${sRunDaySpend.runId} = p."runId" AND ${sRunDaySpend.day} = p.day
      AND ${r.teamId} = ${teamId}::uuid AND ${r.id} = p."runId" AND ${kept}`;
  await tx.$executeRaw`
    INSERT INTO ${RunDaySpendTable.$} (${RunDaySpendTable.teamId}, ${spendDeltaColumns.names()})
    SELECT ${teamId}::uuid, ${c.runId}, p.day, ${c.model}, count(*), sum(${c.uncachedInput}), sum(${c.output}),
      sum(${c.cacheWrite5m} + ${c.cacheWrite1h}), sum(${c.cacheRead}), sum(${c.costUsd})
    FROM ${p}
    JOIN ${r.$} ON ${r.teamId} = ${teamId}::uuid AND ${r.id} = p."runId" AND ${kept}
    JOIN ${c.$} ON ${c.teamId} = ${teamId}::uuid AND ${c.runId} = p."runId"
      AND ${c.timestamp} >= (p.day::timestamp AT TIME ZONE 'UTC') AND ${c.timestamp} < ((p.day + 1)::timestamp AT TIME ZONE 'UTC')
    GROUP BY ${c.runId}, p.day, ${c.model}`;
  // A run's totals cover all its days, those not rebuilt included.
  const runIds = [...new Set(runDays.map((runDay) => runDay.runId))];
  await tx.$executeRaw`
    UPDATE ${r.$} SET ${RunTable.calls} = coalesce(totals.calls, 0), ${RunTable.inputTokens} = coalesce(totals.input, 0),
      ${RunTable.outputTokens} = coalesce(totals.output, 0), ${RunTable.cacheWriteTokens} = coalesce(totals.cache_write, 0),
      ${RunTable.cacheReadTokens} = coalesce(totals.cache_read, 0), ${RunTable.costUsd} = coalesce(totals.cost, 0)
    FROM (SELECT id FROM unnest(${runIds}::uuid[]) id) touched
    LEFT JOIN (SELECT ${sRunDaySpend.runId}, sum(${sRunDaySpend.calls}) AS calls, sum(${sRunDaySpend.inputTokens}) AS input,
                 sum(${sRunDaySpend.outputTokens}) AS output, sum(${sRunDaySpend.cacheWriteTokens}) AS cache_write,
                 sum(${sRunDaySpend.cacheReadTokens}) AS cache_read, sum(${sRunDaySpend.costUsd}) AS cost
               FROM ${sRunDaySpend.$} WHERE ${sRunDaySpend.teamId} = ${teamId}::uuid AND ${sRunDaySpend.runId} = ANY(${runIds}::uuid[])
               GROUP BY ${sRunDaySpend.runId}) totals ON totals."runId" = touched.id
    WHERE ${r.teamId} = ${teamId}::uuid AND ${r.id} = touched.id`;
  await rebuildDailySpend(tx, teamId, [...new Set(runDays.map((runDay) => runDay.day))]);
}

const dayColumns = recordColumns({ day: "date" });

/** The UTC days on which the given runs have spend. */
export async function daysOfRuns(tx: SqlClient, teamId: string, runIds: string[]): Promise<string[]> {
  if (runIds.length === 0) return [];
  const rows = await dayColumns.read(
    tx,
    Prisma.sql`
    SELECT DISTINCT ${dayColumns.select("s")} FROM ${sRunDaySpend.$} WHERE ${sRunDaySpend.teamId} = ${teamId}::uuid AND ${sRunDaySpend.runId} = ANY(${runIds}::uuid[])`,
  );
  return rows.map((row) => row.day);
}
