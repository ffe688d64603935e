/**
 * Raw-call retention: a team that keeps raw calls N days (Team.rawCallRetentionDays) loses its Call
 * and ToolCall rows from before the UTC day N days ago, with their keys (CallKey, ToolCallKey): a
 * month no team keeps any more by dropping its partitions (lib/db/partitions.ts), the rest in
 * bounded batches; the same hourly job makes the months ahead. Everything the
 * pages count stays: run totals, the RunDaySpend and DailySpend rollups, findings and outcomes are
 * not touched, and a run that lost calls says so (Run.callsRemovedBefore). Calls older than the
 * limit that arrive later are not stored (the writer counts them as duplicates): their days are
 * final, and there is nothing left to tell a new call from one already counted.
 */
import { z } from "zod";
import { db } from "@/lib/db/client";
import type { SqlClient } from "@/lib/db/columns";
import {
  ensureMonthPartitions,
  monthStart,
  monthsAhead,
  PARTITION_LOCK,
  PARTITIONED_TABLES,
  partitionedMonths,
  partitionName,
} from "@/lib/db/partitions";
import { table } from "@/lib/db/tables";
import { lockTeamWrites } from "@/lib/db/team-lock";
import { Prisma } from "@/lib/generated/prisma/client";

const RunTable = table("Run");
const c = table("Call", "c");
const dCallKey = table("CallKey", "d");
const dToolCallKey = table("ToolCallKey", "d");
const kCallKey = table("CallKey", "k");
const kToolCallKey = table("ToolCallKey", "k");
const r = table("Run", "r");
const t = table("ToolCall", "t");

/** Calls deleted per transaction: bounds lock time and WAL per step whatever the backlog. */
const CALLS_PER_BATCH = 5_000;

const DAY_MS = 86_400_000;

/** Keys deleted per statement before a month's partitions are dropped. */
const KEYS_PER_BATCH = 20_000;

/** How long dropping a month may wait for its lock before it is left to the next round. */
const LOCK_TIMEOUT = "10s";

/** At most ten years; at least one day (today's calls are always kept). */
export const retentionDaysSchema = z.coerce
  .number()
  .int("whole days")
  .min(1, "at least 1 day")
  .max(3660, "at most 3660 days");

/** The first instant kept: the start of the UTC day `days` days before today. */
export function retentionCutoff(days: number, now = new Date()): Date {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return new Date(today - days * DAY_MS);
}

/** How many days the team keeps raw calls; null: forever. */
export async function teamRetentionDays(teamId: string): Promise<number | null> {
  const team = await db().team.findUnique({ where: { id: teamId }, select: { rawCallRetentionDays: true } });
  return team?.rawCallRetentionDays ?? null;
}

/** The team's cutoff now, or null when it keeps raw calls forever. */
export async function teamRetentionCutoff(teamId: string, now = new Date()): Promise<Date | null> {
  const days = await teamRetentionDays(teamId);
  return days === null ? null : retentionCutoff(days, now);
}

/** Sets (or with null clears) how many days the team keeps raw calls. */
export async function setRawCallRetention(teamId: string, days: number | null): Promise<void> {
  await db().team.update({
    where: { id: teamId },
    data: { rawCallRetentionDays: days === null ? null : retentionDaysSchema.parse(days) },
  });
}

/**
 * Deletes the team's calls (and their tool calls) from before its cutoff, CALLS_PER_BATCH at a
 * time, each batch one transaction under the writer's team lock (an upload never upgrades a call
 * being deleted). Returns how many calls and tool calls went.
 */
export async function applyRawCallRetention(
  teamId: string,
  { now = new Date(), callsPerBatch = CALLS_PER_BATCH }: { now?: Date; callsPerBatch?: number } = {},
): Promise<{ calls: number; toolCalls: number; cutoff: Date | null }> {
  const cutoff = await teamRetentionCutoff(teamId, now);
  if (cutoff === null) return { calls: 0, toolCalls: 0, cutoff };
  let calls = 0;
  let toolCalls = 0;
  for (;;) {
    const batch = await db().$transaction(
      async (tx) => {
        await lockTeamWrites(tx, teamId);
        const doomed = await tx.$queryRaw<{ id: bigint; runId: string; timestamp: Date }[]>`
          SELECT ${c.id}, ${c.runId}::text AS "runId", ${c.timestamp} FROM ${c.$}
          WHERE ${c.teamId} = ${teamId}::uuid AND ${c.timestamp} < ${cutoff}
          ORDER BY ${c.timestamp} LIMIT ${callsPerBatch}`;
        if (doomed.length === 0) return { calls: 0, toolCalls: 0 };
        const runIds = [...new Set(doomed.map((call) => call.runId))];
        const ids = doomed.map((call) => call.id.toString());
        const times = doomed.map((call) => call.timestamp);
        // A tool call carries its call's timestamp: the same cutoff, found through its run. Keys
        // go with their rows (CallKey, ToolCallKey: the identities across partitions).
        const tools = await tx.$executeRaw`
          WITH gone AS (
            DELETE FROM ${t.$}
            WHERE ${t.teamId} = ${teamId}::uuid AND ${t.runId} = ANY(${runIds}::uuid[]) AND ${t.timestamp} < ${cutoff}
            RETURNING ${t.runId}, ${t.toolUseId}
          )
          DELETE FROM ${kToolCallKey.$} USING gone g
          WHERE ${kToolCallKey.teamId} = ${teamId}::uuid AND ${kToolCallKey.runId} = g."runId" AND ${kToolCallKey.toolUseId} = g."toolUseId"`;
        const deleted = await tx.$executeRaw`
          WITH gone AS (
            DELETE FROM ${c.$} USING unnest(${ids}::bigint[], ${times.map((time) => time.toISOString())}::timestamptz[]) AS d(id, timestamp)
            WHERE ${c.teamId} = ${teamId}::uuid AND ${c.id} = d.id AND ${c.timestamp} = d.timestamp
            RETURNING ${c.source}, ${c.callKey}
          )
          DELETE FROM ${kCallKey.$} USING gone g
          WHERE ${kCallKey.teamId} = ${teamId}::uuid AND ${kCallKey.source} = g.source AND ${kCallKey.callKey} = g."callKey"`;
        await tx.$executeRaw`
          UPDATE ${r.$} SET ${RunTable.callsRemovedBefore} = greatest(coalesce(${r.callsRemovedBefore}, ${cutoff}), ${cutoff})
          WHERE ${r.teamId} = ${teamId}::uuid AND ${r.id} = ANY(${runIds}::uuid[])`;
        return { calls: deleted, toolCalls: tools };
      },
      { timeout: 120_000, maxWait: 120_000 },
    );
    calls += batch.calls;
    toolCalls += batch.toolCalls;
    if (batch.calls < callsPerBatch) break;
  }
  return { calls, toolCalls, cutoff };
}

/**
 * Drops the months of Call and ToolCall that no team keeps: only when every team has a limit, the
 * months that end on or before the earliest of their cutoffs. Before a month goes, each team's
 * runs with calls in it are marked as the batched deletes mark them, and the month's keys
 * (CallKey, ToolCallKey) are deleted in bounded batches; then its partitions are dropped in one
 * short transaction that waits for the writers in flight (DROP locks the parent), deletes any key
 * written meanwhile, and gives up after LOCK_TIMEOUT for the next round rather than queue readers.
 * Returns the months dropped (YYYYMM).
 */
export async function dropExpiredPartitions(now = new Date(), keysPerBatch = KEYS_PER_BATCH): Promise<string[]> {
  const teams = await db().team.findMany({ select: { id: true, rawCallRetentionDays: true } });
  const cutoffs = teams.flatMap((team) =>
    team.rawCallRetentionDays === null
      ? []
      : [{ teamId: team.id, cutoff: retentionCutoff(team.rawCallRetentionDays, now) }],
  );
  if (teams.length === 0 || cutoffs.length < teams.length) return [];
  const earliest = Math.min(...cutoffs.map((team) => team.cutoff.getTime()));
  const months = (await partitionedMonths(db())).filter((month) => monthStart(month, 1).getTime() <= earliest);
  for (const month of months) {
    const from = monthStart(month);
    const until = monthStart(month, 1);
    for (const { teamId, cutoff } of cutoffs) {
      await db().$executeRaw`
        UPDATE ${r.$} SET ${RunTable.callsRemovedBefore} = greatest(coalesce(${r.callsRemovedBefore}, ${cutoff}), ${cutoff})
        WHERE ${r.teamId} = ${teamId}::uuid AND ${r.id} IN (
          SELECT ${c.runId} FROM ${c.$} WHERE ${c.teamId} = ${teamId}::uuid AND ${c.timestamp} >= ${from} AND ${c.timestamp} < ${until})`;
      while ((await deleteMonthKeys(db(), teamId, from, until, keysPerBatch)) === keysPerBatch);
    }
    await db().$transaction(
      async (tx) => {
        await tx.$executeRaw(Prisma.raw(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`));
        await tx.$executeRaw(PARTITION_LOCK);
        for (const table of PARTITIONED_TABLES)
          await tx.$executeRaw(Prisma.raw(`DROP TABLE "${partitionName(table, month)}"`));
        for (const { teamId } of cutoffs) await deleteMonthKeys(tx, teamId, from, until, null);
      },
      { timeout: 120_000, maxWait: 120_000 },
    );
  }
  return months;
}

/** Deletes up to `limit` (null: all) of the team's CallKey and ToolCallKey rows of a month; returns the larger count. */
async function deleteMonthKeys(
  client: SqlClient,
  teamId: string,
  from: Date,
  until: Date,
  limit: number | null,
): Promise<number> {
  const bound = limit === null ? Prisma.empty : Prisma.sql`LIMIT ${limit}`;
  const calls = await client.$executeRaw`
    DELETE FROM ${kCallKey.$} WHERE ${kCallKey.teamId} = ${teamId}::uuid AND (${kCallKey.source}, ${kCallKey.callKey}) IN (
      SELECT ${dCallKey.source}, ${dCallKey.callKey} FROM ${dCallKey.$}
      WHERE ${dCallKey.teamId} = ${teamId}::uuid AND ${dCallKey.timestamp} >= ${from} AND ${dCallKey.timestamp} < ${until} ${bound})`;
  const tools = await client.$executeRaw`
    DELETE FROM ${kToolCallKey.$} WHERE ${kToolCallKey.teamId} = ${teamId}::uuid AND (${kToolCallKey.runId}, ${kToolCallKey.toolUseId}) IN (
      SELECT ${dToolCallKey.runId}, ${dToolCallKey.toolUseId} FROM ${dToolCallKey.$}
      WHERE ${dToolCallKey.teamId} = ${teamId}::uuid AND ${dToolCallKey.timestamp} >= ${from} AND ${dToolCallKey.timestamp} < ${until} ${bound})`;
  return Math.max(calls, tools);
}

/**
 * One round of raw-call upkeep (the scheduled job): the partitions of the months ahead, then the
 * months no team keeps dropped whole, then each team's calls past its limit deleted in batches.
 */
export async function applyRetentionForAllTeams(
  now = new Date(),
): Promise<{ teams: number; calls: number; droppedMonths: string[] }> {
  await db().$transaction((tx) => ensureMonthPartitions(tx, monthsAhead(now)), { timeout: 120_000, maxWait: 120_000 });
  const droppedMonths = await dropExpiredPartitions(now);
  const teams = await db().team.findMany({ where: { rawCallRetentionDays: { not: null } }, select: { id: true } });
  let calls = 0;
  for (const team of teams) calls += (await applyRawCallRetention(team.id, { now })).calls;
  return { teams: teams.length, calls, droppedMonths };
}

const globalForSchedule = globalThis as typeof globalThis & { trhRetentionSchedule?: NodeJS.Timeout };

/** At start and then hourly, in the server process (instrumentation.ts); a second call does nothing. */
export function startRetentionSchedule(): void {
  if (globalForSchedule.trhRetentionSchedule) return;
  const run = () =>
    void applyRetentionForAllTeams().catch((error: unknown) =>
      console.error(`raw-call upkeep: ${(error as Error).message}`),
    );
  globalForSchedule.trhRetentionSchedule = setInterval(run, 60 * 60_000);
  globalForSchedule.trhRetentionSchedule.unref();
  run();
}
