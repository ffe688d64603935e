/**
 * Stores each run's context package (RunContextPackage): the ingest writer calls
 * recomputeRunPackages for the runs an upload touched, right after their findings; re-pricing
 * (lib/pricing/reprice.ts) does the same for the runs whose cost changed, and the Waste page's recompute
 * redoes a team with recomputeTeamPackages. Like findings, a package depends on the data alone.
 */

import { db } from "@/lib/db/client";
import { jsonRows } from "@/lib/db/json-rows";
import { table } from "@/lib/db/tables";
import type { Prisma } from "@/lib/generated/prisma/client";
import { loadPriceOverrides } from "@/lib/pricing/overrides";
import type { PriceOverride } from "@/lib/pricing/price-book";
import type { WasteCall, WasteToolCall } from "@/lib/waste/types";
import { measureRunPackage } from "./measure";

const Call = table("Call");
const RunContextPackageTable = table("RunContextPackage");
const RunTable = table("Run");
const ToolCall = table("ToolCall");
const r = table("Run", "r");

/** Runs read and written at a time: bounds memory whatever the number of runs. */
const RUNS_PER_BATCH = 25;

/** Runs whose raw calls the retention job removed keep the package measured while they had them all. */
export async function recomputeRunPackages(teamId: string, allRunIds: readonly string[]): Promise<void> {
  if (allRunIds.length === 0) return;
  await db().$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`context-package:${teamId}`}))`;
      const runIds = (
        await tx.$queryRaw<{ id: string }[]>`
          SELECT ${r.id}::text FROM ${r.$}
          WHERE ${r.teamId} = ${teamId}::uuid AND ${r.id} = ANY(${[...allRunIds]}::uuid[]) AND ${r.callsRemovedBefore} IS NULL`
      ).map((row) => row.id);
      const overrides = await loadPriceOverrides(tx, teamId);
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
  >`SELECT ${RunTable.id}::text FROM ${RunTable.$} WHERE ${RunTable.teamId} = ${teamId}::uuid ORDER BY ${RunTable.startedAt}, ${RunTable.id}`;
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
  overrides: readonly PriceOverride[],
): Promise<void> {
  const calls = await tx.$queryRaw<(WasteCall & { runId: string })[]>`
    SELECT ${Call.runId}::text AS "runId", ${Call.id}, ${Call.agentId}, ${Call.timestamp}, ${Call.model}, ${Call.speed}, ${Call.uncachedInput}, ${Call.cacheRead}, ${Call.cacheWrite5m}, ${Call.cacheWrite1h},
      ${Call.output}, ${Call.contextTokens}, ${Call.costUsd}::float8 AS "costUsd", ${Call.isApiError}
    FROM ${Call.$} WHERE ${Call.teamId} = ${teamId}::uuid AND ${Call.runId} = ANY(${ids}::uuid[])
    ORDER BY ${Call.timestamp}, ${Call.id}`;
  const toolCalls = await tx.$queryRaw<(WasteToolCall & { runId: string })[]>`
    SELECT ${ToolCall.runId}::text AS "runId", ${ToolCall.id}, ${ToolCall.callId}, ${ToolCall.name}, ${ToolCall.summary}, ${ToolCall.outputTokens}, ${ToolCall.outputHash}, ${ToolCall.isError}, ${ToolCall.timestamp}, ${ToolCall.resultAt}
    FROM ${ToolCall.$} WHERE ${ToolCall.teamId} = ${teamId}::uuid AND ${ToolCall.runId} = ANY(${ids}::uuid[])
    ORDER BY ${ToolCall.id}`;
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
  await tx.$executeRaw`DELETE FROM ${RunContextPackageTable.$} WHERE ${RunContextPackageTable.teamId} = ${teamId}::uuid AND ${RunContextPackageTable.runId} = ANY(${ids}::uuid[])`;
  // The run's start day comes from Run itself; a run deleted meanwhile gets no row.
  await tx.$executeRaw`
    INSERT INTO ${RunContextPackageTable.$} (${RunContextPackageTable.teamId}, ${RunContextPackageTable.runId}, ${RunContextPackageTable.day}, ${RunContextPackageTable.firstCallId}, ${RunContextPackageTable.packageTokens}, ${RunContextPackageTable.callsCarried}, ${RunContextPackageTable.packageCostUsd}, ${RunContextPackageTable.tools}, ${RunContextPackageTable.instructionFiles})
    SELECT ${teamId}::uuid, p.run, (${r.startedAt} AT TIME ZONE 'UTC')::date, p.first, p.tokens, p.carried, p.usd, p.tools, p.files
    FROM ${jsonRows(rows, "p(run uuid, first bigint, tokens int, carried int, usd numeric, tools jsonb, files jsonb)")}
    JOIN ${r.$} ON ${r.teamId} = ${teamId}::uuid AND ${r.id} = p.run`;
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
