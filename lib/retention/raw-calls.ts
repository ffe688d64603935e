/**
 * Raw-call retention: a team that keeps raw calls N days (Team.rawCallRetentionDays) loses its Call
 * and ToolCall rows from before the UTC day N days ago, in bounded batches, while everything the
 * pages count stays: run totals, the RunDaySpend and DailySpend rollups, findings and outcomes are
 * not touched, and a run that lost calls says so (Run.callsRemovedBefore). Calls older than the
 * limit that arrive later are not stored (the writer counts them as duplicates): their days are
 * final, and there is nothing left to tell a new call from one already counted.
 */
import { z } from "zod";
import { db } from "@/lib/db/client";
import { table } from "@/lib/db/tables";

const RunTable = table("Run");
const c = table("Call", "c");
const r = table("Run", "r");
const t = table("ToolCall", "t");

/** Calls deleted per transaction: bounds lock time and WAL per step whatever the backlog. */
const CALLS_PER_BATCH = 5_000;

const DAY_MS = 86_400_000;

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
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${teamId}))`;
        const doomed = await tx.$queryRaw<{ id: bigint; runId: string }[]>`
          SELECT ${c.id}, ${c.runId}::text AS "runId" FROM ${c.$}
          WHERE ${c.teamId} = ${teamId}::uuid AND ${c.timestamp} < ${cutoff}
          ORDER BY ${c.timestamp} LIMIT ${callsPerBatch}`;
        if (doomed.length === 0) return { calls: 0, toolCalls: 0 };
        const runIds = [...new Set(doomed.map((call) => call.runId))];
        const ids = doomed.map((call) => call.id.toString());
        // A tool call carries its call's timestamp: the same cutoff, found through its run.
        const tools = await tx.$executeRaw`
          DELETE FROM ${t.$}
          WHERE ${t.teamId} = ${teamId}::uuid AND ${t.runId} = ANY(${runIds}::uuid[]) AND ${t.timestamp} < ${cutoff}`;
        const deleted = await tx.$executeRaw`
          DELETE FROM ${c.$} WHERE ${c.teamId} = ${teamId}::uuid AND ${c.id} = ANY(${ids}::bigint[])`;
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

/** One round over every team with a retention limit (the scheduled job). */
export async function applyRetentionForAllTeams(now = new Date()): Promise<{ teams: number; calls: number }> {
  const teams = await db().team.findMany({ where: { rawCallRetentionDays: { not: null } }, select: { id: true } });
  let calls = 0;
  for (const team of teams) calls += (await applyRawCallRetention(team.id, { now })).calls;
  return { teams: teams.length, calls };
}

const globalForSchedule = globalThis as typeof globalThis & { trhRetentionSchedule?: NodeJS.Timeout };

/** At start and then hourly, in the server process (instrumentation.ts); a second call does nothing. */
export function startRetentionSchedule(): void {
  if (globalForSchedule.trhRetentionSchedule) return;
  const run = () =>
    void applyRetentionForAllTeams().catch((error: unknown) =>
      console.error(`raw-call retention: ${(error as Error).message}`),
    );
  globalForSchedule.trhRetentionSchedule = setInterval(run, 60 * 60_000);
  globalForSchedule.trhRetentionSchedule.unref();
  run();
}
