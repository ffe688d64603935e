/**
 * Stores each run's context package (RunContextPackage): the ingest writer calls
 * recomputeRunPackages for the runs an upload touched, right after their findings; a price change
 * redoes a team with recomputeTeamPackages. Like findings, a package depends on the data alone.
 */

import { db } from "@/lib/db/client";
import { jsonRows } from "@/lib/db/json-rows";
import type { Prisma } from "@/lib/generated/prisma/client";
import { teamPriceOverrides } from "@/lib/pricing/overrides";
import type { WasteCall, WasteToolCall } from "@/lib/waste/types";
import { measureRunPackage } from "./measure";

/** Runs read and written at a time: bounds memory whatever the number of runs. */
const RUNS_PER_BATCH = 25;

export async function recomputeRunPackages(teamId: string, runIds: readonly string[]): Promise<void> {
  if (runIds.length === 0) return;
  await db().$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`context-package:${teamId}`}))`;
      const overrides = await teamPriceOverrides(tx, teamId);
      for (let start = 0; start < runIds.length; start += RUNS_PER_BATCH) {
        const batch = runIds.slice(start, start + RUNS_PER_BATCH);
        await recomputeBatch(tx, teamId, batch, overrides);
      }
    },
    { timeout: 600_000, maxWait: 120_000 },
  );
}

export async function recomputeTeamPackages(teamId: string): Promise<{ runs: number }> {
  const runs = await db().$queryRaw<
    { id: string }[]
  >`SELECT id::text FROM "Run" WHERE "teamId" = ${teamId}::uuid ORDER BY "startedAt", id`;
  for (let start = 0; start < runs.length; start += RUNS_PER_BATCH * 8) {
    await recomputeRunPackages(
      teamId,
      runs.slice(start, start + RUNS_PER_BATCH * 8).map((run) => run.id),
    );
  }
  return { runs: runs.length };
}

async function recomputeBatch(
  tx: Prisma.TransactionClient,
  teamId: string,
  ids: string[],
  overrides: Awaited<ReturnType<typeof teamPriceOverrides>>,
): Promise<void> {
  const calls = await tx.$queryRaw<(WasteCall & { runId: string })[]>`
    SELECT "runId"::text AS "runId", id, "agentId", timestamp, model, speed, "uncachedInput", "cacheRead", "cacheWrite5m", "cacheWrite1h",
      output, "contextTokens", "costUsd"::float8 AS "costUsd", "isApiError"
    FROM "Call" WHERE "teamId" = ${teamId}::uuid AND "runId" = ANY(${ids}::uuid[])
    ORDER BY timestamp, id`;
  const toolCalls = await tx.$queryRaw<(WasteToolCall & { runId: string })[]>`
    SELECT "runId"::text AS "runId", id, "callId", name, summary, "outputTokens", "outputHash", "isError", timestamp, "resultAt"
    FROM "ToolCall" WHERE "teamId" = ${teamId}::uuid AND "runId" = ANY(${ids}::uuid[])
    ORDER BY id`;
  const callsOf = groupByRun(
    calls.map((call) => ({ ...call, speed: call.speed === "fast" ? ("fast" as const) : ("standard" as const) })),
  );
  const toolsOf = groupByRun(toolCalls);
  const rows = ids.map((runId) => {
    const measured = measureRunPackage(callsOf.get(runId) ?? [], toolsOf.get(runId) ?? [], overrides);
    return {
      run: runId,
      first: measured.firstCallId === null ? null : String(measured.firstCallId),
      tokens: measured.packageTokens,
      carried: measured.callsCarried,
      usd: measured.packageCostUsd.toFixed(12),
      tools: measured.tools,
      files: measured.instructionFiles,
    };
  });
  await tx.$executeRaw`DELETE FROM "RunContextPackage" WHERE "teamId" = ${teamId}::uuid AND "runId" = ANY(${ids}::uuid[])`;
  // The run's start day comes from Run itself; a run deleted meanwhile gets no row.
  await tx.$executeRaw`
    INSERT INTO "RunContextPackage" ("teamId", "runId", day, "firstCallId", "packageTokens", "callsCarried", "packageCostUsd", tools, "instructionFiles")
    SELECT ${teamId}::uuid, p.run, (r."startedAt" AT TIME ZONE 'UTC')::date, p.first, p.tokens, p.carried, p.usd, p.tools, p.files
    FROM ${jsonRows(rows, "p(run uuid, first bigint, tokens int, carried int, usd numeric, tools jsonb, files jsonb)")}
    JOIN "Run" r ON r."teamId" = ${teamId}::uuid AND r.id = p.run`;
}

function groupByRun<T extends { runId: string }>(rows: readonly T[]): Map<string, Omit<T, "runId">[]> {
  const grouped = new Map<string, Omit<T, "runId">[]>();
  for (const { runId, ...row } of rows) {
    const list = grouped.get(runId) ?? [];
    list.push(row);
    grouped.set(runId, list);
  }
  return grouped;
}
