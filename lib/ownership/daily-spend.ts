/**
 * DailySpend, the rollup dashboards read, holds spend by day, by each run's attribution
 * (owner, project, task) and by the agent it came from (the run's source). One SQL shape turns per-run amounts into attributed rows, used both by
 * the ingest writer (adding a chunk's deltas) and by re-attribution (rebuilding whole days from
 * RunDaySpend). A run split among owners contributes its exact share to each of them.
 */
import { Prisma } from "@/lib/generated/prisma/client";

/**
 * `amounts` is a FROM item aliased `d` with columns run, day, model, calls, input, output,
 * cache_write, cache_read, cost. Returns an INSERT that adds them to DailySpend.
 */
export function addToDailySpend(teamId: string, amounts: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`
    INSERT INTO "DailySpend" ("teamId", day, "ownerId", "projectId", "taskId", model, source, calls, "inputTokens", "outputTokens", "cacheWriteTokens", "cacheReadTokens", "costUsd")
    SELECT ${teamId}::uuid, d.day, coalesce(s."personId"::text, r."ownerId"::text, ''), coalesce(r."projectId"::text, ''), coalesce(r."taskId"::text, ''), d.model, r.source,
      sum(d.calls * f.share), sum(d.input * f.share), sum(d.output * f.share), sum(d.cache_write * f.share), sum(d.cache_read * f.share), sum(d.cost * f.share)
    FROM ${amounts}
    JOIN "Run" r ON r."teamId" = ${teamId}::uuid AND r.id = d.run
    LEFT JOIN "RunOwnerShare" s ON s."teamId" = r."teamId" AND s."runId" = r.id
    CROSS JOIN LATERAL (SELECT coalesce(s.percent / 100, 1)::numeric AS share) f
    GROUP BY 1, 2, 3, 4, 5, 6, 7
    ON CONFLICT ("teamId", day, "ownerId", "projectId", "taskId", model, source) DO UPDATE SET
      calls = "DailySpend".calls + excluded.calls, "inputTokens" = "DailySpend"."inputTokens" + excluded."inputTokens",
      "outputTokens" = "DailySpend"."outputTokens" + excluded."outputTokens",
      "cacheWriteTokens" = "DailySpend"."cacheWriteTokens" + excluded."cacheWriteTokens",
      "cacheReadTokens" = "DailySpend"."cacheReadTokens" + excluded."cacheReadTokens", "costUsd" = "DailySpend"."costUsd" + excluded."costUsd"`;
}

/** Recomputes DailySpend for whole days from RunDaySpend and the runs' current attribution. */
export async function rebuildDailySpend(tx: Prisma.TransactionClient, teamId: string, days: string[]): Promise<void> {
  if (days.length === 0) return;
  await tx.$executeRaw`DELETE FROM "DailySpend" WHERE "teamId" = ${teamId}::uuid AND day = ANY(${days}::date[])`;
  await tx.$executeRaw(
    addToDailySpend(
      teamId,
      Prisma.sql`(SELECT "runId" AS run, day, model, calls, "inputTokens" AS input, "outputTokens" AS output, "cacheWriteTokens" AS cache_write,
        "cacheReadTokens" AS cache_read, "costUsd" AS cost FROM "RunDaySpend" WHERE "teamId" = ${teamId}::uuid AND day = ANY(${days}::date[])) d`,
    ),
  );
}

/** The UTC days on which the given runs have spend. */
export async function daysOfRuns(tx: Prisma.TransactionClient, teamId: string, runIds: string[]): Promise<string[]> {
  if (runIds.length === 0) return [];
  const rows = await tx.$queryRaw<{ day: string }[]>`
    SELECT DISTINCT to_char(day, 'YYYY-MM-DD') AS day FROM "RunDaySpend" WHERE "teamId" = ${teamId}::uuid AND "runId" = ANY(${runIds}::uuid[])`;
  return rows.map((row) => row.day);
}
