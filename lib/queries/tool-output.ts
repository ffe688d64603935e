/**
 * One tool call's stored output text (its first 64 KiB, TOOL_OUTPUT_MAX_BYTES), with its size and
 * estimated tokens: `GET /api/v1/runs/{id}/tool-calls/{toolCallId}` and the run page's "Show
 * output". Only for a run the caller may see; the text is trace content, shown escaped.
 */
import { z } from "zod";
import { visibleRunsCondition } from "@/lib/auth/policy";
import type { Scope } from "@/lib/auth/scope";
import { db } from "@/lib/db/client";
import { table } from "@/lib/db/tables";

const r = table("Run", "r");
const t = table("ToolCall", "t");

export const toolCallIdSchema = z.string().regex(/^[0-9]{1,18}$/, "a tool call id");

export interface ToolOutput {
  id: string;
  name: string;
  summary: string | null;
  outputBytes: number | null;
  /** outputBytes / 4: an estimate, as everywhere tool output is counted. */
  outputTokens: number | null;
  isError: boolean;
  /** Null when the output was stored before its text was kept (a new import of the trace adds it). */
  outputText: string | null;
  /** The text is the first part of a longer output. */
  truncated: boolean;
}

export async function toolOutput(scope: Scope, runId: string, toolCallId: string): Promise<ToolOutput | null> {
  const [row] = await db().$queryRaw<(Omit<ToolOutput, "truncated"> & { storedBytes: number | null })[]>`
    SELECT ${t.id}::text AS id, ${t.name}, ${t.summary}, ${t.outputBytes}, ${t.outputTokens}, ${t.isError}, ${t.outputText},
      octet_length(${t.outputText}) AS "storedBytes"
    FROM ${t.$} JOIN ${r.$} ON ${r.teamId} = ${t.teamId} AND ${r.id} = ${t.runId}
    WHERE ${t.teamId} = ${scope.teamId}::uuid AND ${t.id} = ${toolCallId}::bigint AND ${t.runId} = ${runId}::uuid
      AND ${visibleRunsCondition(scope)}`;
  if (!row) return null;
  const { storedBytes, ...output } = row;
  return { ...output, truncated: storedBytes !== null && (output.outputBytes ?? 0) > storedBytes };
}
