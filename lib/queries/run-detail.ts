/** One run with its calls in order and each call's tool calls: `GET /api/v1/runs/{id}`. */
import { z } from "zod";
import type { Scope } from "@/lib/auth/scope";
import { readDb } from "@/lib/db/client";
import { table } from "@/lib/db/tables";
import type { Tokens } from "@/lib/tokens";
import { callOrdinalWindow } from "./call-ordinal";
import { type RunSummary, runSummaryColumns, visibleRunsSource } from "./runs-list";

const r = table("Run", "r");

const c = table("Call", "c");
const tc = table("ToolCall", "tc");

export const runIdSchema = z.string().uuid("a run id");

export interface RunCall extends Tokens {
  /** The database id (64-bit, as a string). */
  id: string;
  /** The call's number in this run, 1..N in call order (lib/queries/call-ordinal.ts). */
  ordinal: number;
  timestamp: string;
  model: string;
  agentId: string | null;
  contextTokens: number;
  priced: boolean;
  priceRule: string;
  isApiError: boolean;
  toolCalls: {
    id: string;
    toolUseId: string;
    name: string;
    summary: string | null;
    inputBytes: number;
    outputBytes: number | null;
    outputTokens: number | null;
    isError: boolean;
  }[];
}

export interface RunDetail {
  run: RunSummary & {
    gitBranch: string | null;
    models: string[];
    projectId: string | null;
    /**
     * ISO timestamp: the team's raw-call retention removed this run's calls before it (they are
     * missing from `calls`; the run's totals and findings still count them). Null: all kept.
     */
    callsRemovedBefore: string | null;
  };
  /** In the order they were made (those still kept). */
  calls: RunCall[];
}

export async function runDetail(scope: Scope, runId: string): Promise<RunDetail | null> {
  const [run] = await readDb().$queryRaw<RunDetail["run"][]>`
    SELECT ${runSummaryColumns}, ${r.gitBranch}, ${r.models}, ${r.projectId}::text AS "projectId",
      to_json(${r.callsRemovedBefore})#>>'{}' AS "callsRemovedBefore" ${visibleRunsSource(scope)}
      AND ${r.id} = ${runId}::uuid`;
  if (!run) return null;
  // Tool calls are read for the whole run at once (the (teamId, runId, toolUseId) key) and joined
  // to their calls here: a subquery per call cost a lookup each on runs of thousands of calls.
  const [calls, toolCalls] = await Promise.all([
    readDb().$queryRaw<Omit<RunCall, "toolCalls">[]>`
      SELECT ${c.id}::text AS id, ${callOrdinalWindow} AS ordinal, to_json(${c.timestamp})#>>'{}' AS timestamp, ${c.model}, ${c.agentId},
        ${c.uncachedInput}::float8 AS "inputTokens", ${c.output}::float8 AS "outputTokens",
        (${c.cacheWrite5m} + ${c.cacheWrite1h})::float8 AS "cacheWriteTokens", ${c.cacheRead}::float8 AS "cacheReadTokens",
        ${c.costUsd}::float8 AS "costUsd", 1::float8 AS calls, ${c.contextTokens}::float8 AS "contextTokens",
        ${c.priced}, ${c.priceRule}, ${c.isApiError}
      FROM ${c.$}
      WHERE ${c.teamId} = ${scope.teamId}::uuid AND ${c.runId} = ${runId}::uuid
      ORDER BY ${c.timestamp}, ${c.id}`,
    readDb().$queryRaw<(RunCall["toolCalls"][number] & { callId: string })[]>`
      SELECT ${tc.id}::text AS id, ${tc.callId}::text AS "callId", ${tc.toolUseId}, ${tc.name}, ${tc.summary}, ${tc.inputBytes},
        ${tc.outputBytes}, ${tc.outputTokens}, ${tc.isError}
      FROM ${tc.$}
      WHERE ${tc.teamId} = ${scope.teamId}::uuid AND ${tc.runId} = ${runId}::uuid AND ${tc.callId} IS NOT NULL
      ORDER BY ${tc.id}`,
  ]);
  const toolCallsOf = new Map<string, RunCall["toolCalls"]>();
  for (const { callId, ...toolCall } of toolCalls) {
    const list = toolCallsOf.get(callId) ?? [];
    list.push(toolCall);
    toolCallsOf.set(callId, list);
  }
  return { run, calls: calls.map((call) => ({ ...call, toolCalls: toolCallsOf.get(call.id) ?? [] })) };
}
