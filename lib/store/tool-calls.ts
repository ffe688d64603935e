/**
 * The ToolCall table's SQL for the ingest writer: a tool use is (team, run, toolUseId); its call
 * is found by the call's identity (source, key); its result may arrive in the same chunk or later.
 */

import type { BulkConnection } from "@/lib/db/bulk";
import { type RowOf, type SqlClient, tableInput } from "@/lib/db/columns";
import { table } from "@/lib/db/tables";
import { Prisma } from "@/lib/generated/prisma/client";
import type { ToolCallModel } from "@/lib/generated/prisma/models/ToolCall";
import { type RetractedCall, retractedCallColumns } from "./calls";

const ToolCallKeyTable = table("ToolCallKey");
const ToolCallTable = table("ToolCall");
const kCallKey = table("CallKey", "k");
const kToolCallKey = table("ToolCallKey", "k");
const m = table("Call", "m");
const t = table("ToolCall", "t");

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
 * Uses and results, staged with COPY and merged in two statements: stored rows (found through
 * ToolCallKey) are updated where they are stored, moving to another month's partition when a use
 * arrives after its result and takes over its time; new ones get their id with their key. A result
 * whose use is stored fills in that row; rows that would not change are not rewritten, so a
 * re-import writes nothing (except, once, the output text of a result stored before the text was kept).
 * Returns the runs whose tool calls it wrote: those whose findings may have changed.
 */
export async function upsertToolCalls(bulk: BulkConnection, teamId: string, rows: ToolCallInput[]): Promise<string[]> {
  if (rows.length === 0) return [];
  // Each row as it would be inserted: no name means no use here (the stored use stays).
  const incoming = Prisma.sql`
    SELECT u."runId", ${kCallKey.callId}, u."toolUseId", coalesce(u.name, '') AS name, coalesce(u."inputBytes", 0) AS "inputBytes",
      u.summary, u.timestamp, u."outputBytes", u."outputTokens", u."outputHash", u."outputText",
      coalesce(u."isError", false) AS "isError", u."resultAt"
    FROM ${await bulk.stage(toolCallInputColumns, rows, "u")}
    LEFT JOIN ${kCallKey.$} ON ${kCallKey.teamId} = ${teamId}::uuid AND ${kCallKey.source} = u."callSource" AND ${kCallKey.callKey} = u."callKey"`;
  const updated = await bulk.$queryRaw<{ runId: string }[]>`
    WITH x AS (${incoming}), changed AS (
      UPDATE ${t.$} SET
        ${ToolCallTable.callId} = coalesce(x."callId", ${t.callId}),
        ${ToolCallTable.name} = CASE WHEN x.name = '' THEN ${t.name} ELSE x.name END,
        ${ToolCallTable.inputBytes} = CASE WHEN x.name = '' THEN ${t.inputBytes} ELSE x."inputBytes" END,
        ${ToolCallTable.summary} = CASE WHEN x.name = '' THEN ${t.summary} ELSE x.summary END,
        ${ToolCallTable.timestamp} = CASE WHEN x.name = '' THEN ${t.timestamp} ELSE x.timestamp END,
        ${ToolCallTable.outputBytes} = coalesce(x."outputBytes", ${t.outputBytes}),
        ${ToolCallTable.outputTokens} = coalesce(x."outputTokens", ${t.outputTokens}),
        ${ToolCallTable.outputHash} = coalesce(x."outputHash", ${t.outputHash}),
        ${ToolCallTable.outputText} = coalesce(x."outputText", ${t.outputText}),
        ${ToolCallTable.isError} = CASE WHEN x."outputHash" IS NULL THEN ${t.isError} ELSE x."isError" END,
        ${ToolCallTable.resultAt} = coalesce(x."resultAt", ${t.resultAt})
      FROM x JOIN ${kToolCallKey.$} ON ${kToolCallKey.teamId} = ${teamId}::uuid AND ${kToolCallKey.runId} = x."runId" AND ${kToolCallKey.toolUseId} = x."toolUseId"
      WHERE ${t.teamId} = ${teamId}::uuid AND ${t.id} = ${kToolCallKey.toolCallId} AND ${t.timestamp} = ${kToolCallKey.timestamp}
        AND ((x.name <> '' AND (x.name, x."inputBytes", x.summary, x."callId") IS DISTINCT FROM (${t.name}, ${t.inputBytes}, ${t.summary}, ${t.callId}))
          OR (x."outputHash" IS NOT NULL AND (x."outputHash", x."isError", x."outputBytes") IS DISTINCT FROM (${t.outputHash}, ${t.isError}, ${t.outputBytes}))
          OR (x."outputText" IS NOT NULL AND ${t.outputText} IS NULL))
      RETURNING ${t.runId}, ${t.toolUseId}, ${t.timestamp}
    ), moved AS (
      UPDATE ${kToolCallKey.$} SET ${ToolCallTable.timestamp} = c.timestamp FROM changed c
      WHERE ${kToolCallKey.teamId} = ${teamId}::uuid AND ${kToolCallKey.runId} = c."runId" AND ${kToolCallKey.toolUseId} = c."toolUseId" AND ${kToolCallKey.timestamp} <> c.timestamp
    )
    SELECT DISTINCT c."runId"::text AS "runId" FROM changed c`;
  const inserted = await bulk.$queryRaw<{ runId: string }[]>`
    WITH x AS (${incoming}), keys AS (
      INSERT INTO ${ToolCallKeyTable.$} (${ToolCallKeyTable.teamId}, ${ToolCallKeyTable.runId}, ${ToolCallKeyTable.toolUseId}, ${ToolCallKeyTable.toolCallId}, ${ToolCallKeyTable.timestamp})
      SELECT ${teamId}::uuid, x."runId", x."toolUseId", nextval(pg_get_serial_sequence('"ToolCall"', 'id')), x.timestamp FROM x
      ON CONFLICT (${ToolCallKeyTable.teamId}, ${ToolCallKeyTable.runId}, ${ToolCallKeyTable.toolUseId}) DO NOTHING
      RETURNING ${ToolCallKeyTable.runId}, ${ToolCallKeyTable.toolUseId}, ${ToolCallKeyTable.toolCallId}
    )
    INSERT INTO ${ToolCallTable.$} (${ToolCallKeyTable.teamId}, ${ToolCallTable.id}, ${ToolCallKeyTable.runId}, ${ToolCallTable.callId}, ${ToolCallKeyTable.toolUseId}, ${ToolCallTable.name}, ${ToolCallTable.inputBytes}, ${ToolCallTable.summary}, ${ToolCallKeyTable.timestamp}, ${ToolCallTable.outputBytes}, ${ToolCallTable.outputTokens}, ${ToolCallTable.outputHash}, ${ToolCallTable.outputText}, ${ToolCallTable.isError}, ${ToolCallTable.resultAt})
    SELECT ${teamId}::uuid, k."toolCallId", x."runId", x."callId", x."toolUseId", x.name, x."inputBytes", x.summary, x.timestamp,
      x."outputBytes", x."outputTokens", x."outputHash", x."outputText", x."isError", x."resultAt"
    FROM x JOIN keys k ON k."runId" = x."runId" AND k."toolUseId" = x."toolUseId"
    RETURNING ${ToolCallTable.runId}::text AS "runId"`;
  return [...new Set([...updated, ...inserted].map((row) => row.runId))];
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
    WITH gone AS (
      DELETE FROM ${t.$} WHERE ${t.teamId} = ${teamId}::uuid AND ${t.callId} = ANY(${retracted.map((row) => row.id)}::bigint[])
      RETURNING ${t.runId}, ${t.toolUseId}
    )
    DELETE FROM ${kToolCallKey.$} USING gone g WHERE ${kToolCallKey.teamId} = ${teamId}::uuid AND ${kToolCallKey.runId} = g."runId" AND ${kToolCallKey.toolUseId} = g."toolUseId"`;
}
