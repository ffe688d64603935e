/**
 * Reads what the detectors need for a batch of runs, inside the caller's transaction: Prisma's, or
 * the raw connection of a bulk transaction (lib/db/bulk.ts; the recomputes after an ingest, which
 * would otherwise pay Prisma's compile of every raw statement, ~8 per 25 runs). Ids come back as
 * text and dates are made Dates, so both drivers give the same rows.
 */

import type { SqlClient } from "@/lib/db/columns";
import { table } from "@/lib/db/tables";
import type { PriceOverride } from "@/lib/pricing/price-book";
import { MIN_CALLS_FOR_GROWTH } from "./context-growth";
import type { RunWasteInput, WasteCall, WasteToolCall } from "./types";

const Call = table("Call");
const Run = table("Run");
const ToolCall = table("ToolCall");

/** A project needs this many runs with a slope before it has a "usual" curve. */
export const MIN_RUNS_FOR_USUAL_CURVE = 4;
/** The usual curve comes from the project's most recent runs and their first calls, so reading it stays cheap however long the history. */
const USUAL_CURVE_RUNS = 100;
const USUAL_CURVE_CALLS = 200;

/** Each project's usual growth, read once per recompute and shared by its batches. */
export type UsualGrowthCache = Map<string, number | null>;

type Reader = Pick<SqlClient, "$queryRaw">;

export async function loadRunInputs(
  tx: Reader,
  teamId: string,
  runIds: readonly string[],
  overrides: readonly PriceOverride[],
  usualGrowth: UsualGrowthCache = new Map(),
): Promise<RunWasteInput[]> {
  if (runIds.length === 0) return [];
  const ids = [...runIds];
  const runs = (
    await tx.$queryRaw<
      {
        id: string;
        startedAt: Date;
        endedAt: Date;
        outcome: string | null;
        costUsd: number;
        projectKey: string | null;
      }[]
    >`
    SELECT ${Run.id}::text, ${Run.startedAt}, ${Run.endedAt}, ${Run.outcome}::text, ${Run.costUsd}::float8 AS "costUsd", coalesce(${Run.projectId}::text, ${Run.repository}, ${Run.cwd}) AS "projectKey"
    FROM ${Run.$} WHERE ${Run.teamId} = ${teamId}::uuid AND ${Run.id} = ANY(${ids}::uuid[])`
  ).map((run) => ({ ...run, startedAt: asDate(run.startedAt), endedAt: asDate(run.endedAt) }));
  const { calls, toolCalls } = await loadRunCalls(tx, teamId, ids);
  const usual = await usualGrowthByProject(
    tx,
    teamId,
    [...new Set(runs.flatMap((run) => (run.projectKey === null ? [] : [run.projectKey])))],
    usualGrowth,
  );

  return runs.map((run) => ({
    runId: run.id,
    startedAt: run.startedAt,
    endedAt: run.endedAt,
    outcome: run.outcome,
    costUsd: run.costUsd,
    calls: calls.get(run.id) ?? [],
    toolCalls: toolCalls.get(run.id) ?? [],
    overrides,
    usualContextGrowthPerCall: run.projectKey === null ? null : (usual.get(run.projectKey) ?? null),
  }));
}

/**
 * The median main-thread context growth per call of each project's runs (project, else
 * repository, else working directory), the same least-squares slope as growthPerCall, over the
 * first USUAL_CURVE_CALLS calls of its USUAL_CURVE_RUNS most recent runs.
 */
async function usualGrowthByProject(
  tx: Reader,
  teamId: string,
  keys: string[],
  cache: UsualGrowthCache,
): Promise<Map<string, number | null>> {
  const missing = keys.filter((key) => !cache.has(key));
  if (missing.length > 0) {
    // Bounded whatever the history: the project's most recent runs, the first calls of each,
    // read through the (teamId, runId, timestamp) index.
    const rows = await tx.$queryRaw<{ key: string; usual: number }[]>`
      WITH keyed AS (
        SELECT ${Run.id}, key, row_number() OVER (PARTITION BY key ORDER BY ${Run.startedAt} DESC) AS recent
        FROM (SELECT ${Run.id}, ${Run.startedAt}, coalesce(${Run.projectId}::text, ${Run.repository}, ${Run.cwd}) AS key FROM ${Run.$} WHERE ${Run.teamId} = ${teamId}::uuid) r
        WHERE key = ANY(${missing}::text[])),
      slopes AS (
        SELECT k.key, regr_slope(c."contextTokens", c.n) AS slope
        FROM keyed k CROSS JOIN LATERAL (
          SELECT first."contextTokens", (row_number() OVER (ORDER BY first.timestamp, first.id) - 1) AS n
          FROM (SELECT ${Call.contextTokens}, ${Call.timestamp}, ${Run.id} FROM ${Call.$}
                WHERE ${Run.teamId} = ${teamId}::uuid AND ${Call.runId} = k.id AND ${Call.agentId} IS NULL AND NOT ${Call.isApiError}
                ORDER BY ${Call.timestamp}, ${Run.id} LIMIT ${USUAL_CURVE_CALLS}) first) c
        WHERE k.recent <= ${USUAL_CURVE_RUNS}
        GROUP BY k.key, k.id HAVING count(*) >= ${MIN_CALLS_FOR_GROWTH})
      SELECT key, percentile_cont(0.5) WITHIN GROUP (ORDER BY slope)::float8 AS usual FROM slopes
      GROUP BY key HAVING count(*) >= ${MIN_RUNS_FOR_USUAL_CURVE}`;
    const found = new Map(rows.map((row) => [row.key, row.usual]));
    for (const key of missing) cache.set(key, found.get(key) ?? null);
  }
  return cache;
}

/**
 * The calls (by timestamp, then id) and tool calls (by id) of a batch of runs, by run id: what the
 * detectors, the cost anatomy and the context package (lib/context-package/recompute.ts) read.
 */
export async function loadRunCalls(
  tx: Reader,
  teamId: string,
  runIds: readonly string[],
): Promise<{ calls: Map<string, WasteCall[]>; toolCalls: Map<string, WasteToolCall[]> }> {
  const ids = [...runIds];
  const calls = await tx.$queryRaw<(Omit<WasteCall, "id"> & { id: string; runId: string })[]>`
    SELECT ${Call.runId}::text AS "runId", ${Call.id}::text AS id, ${Call.agentId}, ${Call.timestamp}, ${Call.model}, ${Call.speed}, ${Call.uncachedInput}, ${Call.cacheRead}, ${Call.cacheWrite5m}, ${Call.cacheWrite1h},
      ${Call.output}, ${Call.contextTokens}, ${Call.costUsd}::float8 AS "costUsd", ${Call.isApiError}
    FROM ${Call.$} WHERE ${Call.teamId} = ${teamId}::uuid AND ${Call.runId} = ANY(${ids}::uuid[])
    ORDER BY ${Call.timestamp}, ${Call.id}`;
  const toolCalls = await tx.$queryRaw<
    (Omit<WasteToolCall, "id" | "callId"> & { id: string; callId: string | null; runId: string })[]
  >`
    SELECT ${ToolCall.runId}::text AS "runId", ${ToolCall.id}::text AS id, ${ToolCall.callId}::text AS "callId", ${ToolCall.name}, ${ToolCall.summary}, ${ToolCall.outputTokens}, ${ToolCall.outputHash}, ${ToolCall.isError}, ${ToolCall.timestamp}, ${ToolCall.resultAt}
    FROM ${ToolCall.$} WHERE ${ToolCall.teamId} = ${teamId}::uuid AND ${ToolCall.runId} = ANY(${ids}::uuid[])
    ORDER BY ${ToolCall.id}`;
  return {
    calls: groupBy(
      calls.map(({ runId, ...call }) => ({
        runId,
        row: {
          ...call,
          id: BigInt(call.id),
          timestamp: asDate(call.timestamp),
          speed: call.speed === "fast" ? ("fast" as const) : ("standard" as const),
        },
      })),
    ),
    toolCalls: groupBy(
      toolCalls.map(({ runId, ...tool }) => ({
        runId,
        row: {
          ...tool,
          id: BigInt(tool.id),
          callId: tool.callId === null ? null : BigInt(tool.callId),
          timestamp: asDate(tool.timestamp),
          resultAt: tool.resultAt === null ? null : asDate(tool.resultAt),
        },
      })),
    ),
  };
}

/** Drivers differ in what a timestamptz comes back as. */
const asDate = (value: Date | string): Date => (value instanceof Date ? value : new Date(value));

function groupBy<T>(items: { runId: string; row: T }[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const { runId, row } of items) {
    const group = groups.get(runId);
    if (group) group.push(row);
    else groups.set(runId, [row]);
  }
  return groups;
}
