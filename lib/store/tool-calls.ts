/**
 * The ToolCall table's SQL for the ingest writer: a tool use is (team, run, toolUseId); its call
 * is found by the call's identity (source, key); its result may arrive in the same chunk or later.
 */

import type { BulkConnection } from "@/lib/db/bulk";
import { type RowOf, type SqlClient, tableInput } from "@/lib/db/columns";
import { table } from "@/lib/db/tables";
import type { ToolCallModel } from "@/lib/generated/prisma/models/ToolCall";
import { type RetractedCall, retractedCallColumns } from "./calls";

const ToolCallTable = table("ToolCall");
/** The row an INSERT ... ON CONFLICT DO UPDATE finds in place. */
const storedToolCall = table("ToolCall", "stored");
const c = table("Call", "c");
const m = table("Call", "m");
const t = table("ToolCall", "t");
const toolCallExcluded = table("ToolCall", "excluded");

/**
 * A tool use, its result, or both. `callSource` and `callKey` name the call that asked for it
 * (null when only the result is known); a null name means "no use here: keep the stored one".
 */
export const toolCallInputColumns = tableInput<ToolCallModel, { callSource: string; callKey: string }>()({
  runId: "uuid",
  callSource: "text?",
  callKey: "text?",
  toolUseId: "text",
  name: "text?",
  inputBytes: "int?",
  summary: "text?",
  timestamp: "timestamptz",
  outputBytes: "int?",
  outputTokens: "int?",
  outputHash: "text?",
  outputText: "text?",
  isError: "boolean?",
  resultAt: "timestamptz?",
});
export type ToolCallInput = RowOf<typeof toolCallInputColumns>;

/**
 * Uses and results, staged with COPY and merged in one statement. A result whose use is stored
 * fills in that row; rows that would not change are not rewritten, so a re-import writes nothing
 * (except, once, the output text of a result stored before the text was kept).
 */
export async function upsertToolCalls(bulk: BulkConnection, teamId: string, rows: ToolCallInput[]): Promise<void> {
  if (rows.length === 0) return;
  await bulk.$executeRaw`
    INSERT INTO ${storedToolCall.$} (${ToolCallTable.teamId}, ${ToolCallTable.runId}, ${ToolCallTable.callId}, ${ToolCallTable.toolUseId}, ${ToolCallTable.name}, ${ToolCallTable.inputBytes}, ${ToolCallTable.summary}, ${ToolCallTable.timestamp}, ${ToolCallTable.outputBytes}, ${ToolCallTable.outputTokens}, ${ToolCallTable.outputHash}, ${ToolCallTable.outputText}, ${ToolCallTable.isError}, ${ToolCallTable.resultAt})
    SELECT ${teamId}::uuid, u."runId", ${c.id}, u."toolUseId", coalesce(u.name, ''), coalesce(u."inputBytes", 0), u.summary, u.timestamp,
      u."outputBytes", u."outputTokens", u."outputHash", u."outputText", coalesce(u."isError", false), u."resultAt"
    FROM ${await bulk.stage(toolCallInputColumns, rows, "u")}
    LEFT JOIN ${c.$} ON ${c.teamId} = ${teamId}::uuid AND ${c.source} = u."callSource" AND ${c.callKey} = u."callKey"
    ON CONFLICT (${ToolCallTable.teamId}, ${ToolCallTable.runId}, ${ToolCallTable.toolUseId}) DO UPDATE SET
      ${ToolCallTable.callId} = coalesce(${toolCallExcluded.callId}, ${storedToolCall.callId}),
      ${ToolCallTable.name} = CASE WHEN ${toolCallExcluded.name} = '' THEN ${storedToolCall.name} ELSE ${toolCallExcluded.name} END,
      ${ToolCallTable.inputBytes} = CASE WHEN ${toolCallExcluded.name} = '' THEN ${storedToolCall.inputBytes} ELSE ${toolCallExcluded.inputBytes} END,
      ${ToolCallTable.summary} = CASE WHEN ${toolCallExcluded.name} = '' THEN ${storedToolCall.summary} ELSE ${toolCallExcluded.summary} END,
      ${ToolCallTable.timestamp} = CASE WHEN ${toolCallExcluded.name} = '' THEN ${storedToolCall.timestamp} ELSE ${toolCallExcluded.timestamp} END,
      ${ToolCallTable.outputBytes} = coalesce(${toolCallExcluded.outputBytes}, ${storedToolCall.outputBytes}),
      ${ToolCallTable.outputTokens} = coalesce(${toolCallExcluded.outputTokens}, ${storedToolCall.outputTokens}),
      ${ToolCallTable.outputHash} = coalesce(${toolCallExcluded.outputHash}, ${storedToolCall.outputHash}),
      ${ToolCallTable.outputText} = coalesce(${toolCallExcluded.outputText}, ${storedToolCall.outputText}),
      ${ToolCallTable.isError} = CASE WHEN ${toolCallExcluded.outputHash} IS NULL THEN ${storedToolCall.isError} ELSE ${toolCallExcluded.isError} END,
      ${ToolCallTable.resultAt} = coalesce(${toolCallExcluded.resultAt}, ${storedToolCall.resultAt})
    WHERE (${toolCallExcluded.name} <> '' AND (${toolCallExcluded.name}, ${toolCallExcluded.inputBytes}, ${toolCallExcluded.summary}, ${toolCallExcluded.callId}) IS DISTINCT FROM (${storedToolCall.name}, ${storedToolCall.inputBytes}, ${storedToolCall.summary}, ${storedToolCall.callId}))
      OR (${toolCallExcluded.outputHash} IS NOT NULL AND (${toolCallExcluded.outputHash}, ${toolCallExcluded.isError}, ${toolCallExcluded.outputBytes}) IS DISTINCT FROM (${storedToolCall.outputHash}, ${storedToolCall.isError}, ${storedToolCall.outputBytes}))
      OR (${toolCallExcluded.outputText} IS NOT NULL AND ${storedToolCall.outputText} IS NULL)`;
}

/**
 * Tool calls of retracted /btw copies are the original message's too (same content, same tool
 * use ids): they move to the main-thread call in the same run; those left (a copy in another run
 * than its original asked for tools in no run's real history) are deleted.
 */
export async function moveToolCallsOfRetractedCopies(
  tx: SqlClient,
  teamId: string,
  retracted: RetractedCall[],
): Promise<void> {
  if (retracted.length === 0) return;
  await tx.$executeRaw`
    UPDATE ${t.$} SET ${ToolCallTable.callId} = ${m.id}
    FROM ${retractedCallColumns.from(retracted, "g")}
    JOIN ${m.$} ON ${m.teamId} = ${teamId}::uuid AND ${m.source} = 'claude-code' AND ${m.messageId} = g."messageId" AND NOT ${m.isSidechain}
    WHERE ${t.teamId} = ${teamId}::uuid AND ${t.callId} = g.id AND ${t.runId} = ${m.runId}`;
  await tx.$executeRaw`
    DELETE FROM ${ToolCallTable.$} WHERE ${ToolCallTable.teamId} = ${teamId}::uuid AND ${ToolCallTable.callId} = ANY(${retracted.map((row) => row.id)}::bigint[])`;
}
