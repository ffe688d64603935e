/**
 * The ToolCall table's SQL for the ingest writer: a tool use is (team, run, toolUseId); its call
 * is found by the call's identity (source, key); its result may arrive in the same chunk or later.
 */

import type { BulkConnection } from "@/lib/db/bulk";
import { type RowOf, type SqlClient, tableInput } from "@/lib/db/columns";
import type { ToolCallModel } from "@/lib/generated/prisma/models/ToolCall";
import { type RetractedCall, retractedCallColumns } from "./calls";

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
 * (except, once, the output text of a result stored before the text was kept). Returns the runs
 * whose tool calls it wrote: those whose findings may have changed.
 */
export async function upsertToolCalls(bulk: BulkConnection, teamId: string, rows: ToolCallInput[]): Promise<string[]> {
  if (rows.length === 0) return [];
  const written = await bulk.$queryRaw<{ runId: string }[]>`
    INSERT INTO "ToolCall" ("teamId", "runId", "callId", "toolUseId", name, "inputBytes", summary, timestamp, "outputBytes", "outputTokens", "outputHash", "outputText", "isError", "resultAt")
    SELECT ${teamId}::uuid, u."runId", c.id, u."toolUseId", coalesce(u.name, ''), coalesce(u."inputBytes", 0), u.summary, u.timestamp,
      u."outputBytes", u."outputTokens", u."outputHash", u."outputText", coalesce(u."isError", false), u."resultAt"
    FROM ${await bulk.stage(toolCallInputColumns, rows, "u")}
    LEFT JOIN "Call" c ON c."teamId" = ${teamId}::uuid AND c.source = u."callSource" AND c."callKey" = u."callKey"
    ON CONFLICT ("teamId", "runId", "toolUseId") DO UPDATE SET
      "callId" = coalesce(excluded."callId", "ToolCall"."callId"),
      name = CASE WHEN excluded.name = '' THEN "ToolCall".name ELSE excluded.name END,
      "inputBytes" = CASE WHEN excluded.name = '' THEN "ToolCall"."inputBytes" ELSE excluded."inputBytes" END,
      summary = CASE WHEN excluded.name = '' THEN "ToolCall".summary ELSE excluded.summary END,
      timestamp = CASE WHEN excluded.name = '' THEN "ToolCall".timestamp ELSE excluded.timestamp END,
      "outputBytes" = coalesce(excluded."outputBytes", "ToolCall"."outputBytes"),
      "outputTokens" = coalesce(excluded."outputTokens", "ToolCall"."outputTokens"),
      "outputHash" = coalesce(excluded."outputHash", "ToolCall"."outputHash"),
      "outputText" = coalesce(excluded."outputText", "ToolCall"."outputText"),
      "isError" = CASE WHEN excluded."outputHash" IS NULL THEN "ToolCall"."isError" ELSE excluded."isError" END,
      "resultAt" = coalesce(excluded."resultAt", "ToolCall"."resultAt")
    WHERE (excluded.name <> '' AND (excluded.name, excluded."inputBytes", excluded.summary, excluded."callId") IS DISTINCT FROM ("ToolCall".name, "ToolCall"."inputBytes", "ToolCall".summary, "ToolCall"."callId"))
      OR (excluded."outputHash" IS NOT NULL AND (excluded."outputHash", excluded."isError", excluded."outputBytes") IS DISTINCT FROM ("ToolCall"."outputHash", "ToolCall"."isError", "ToolCall"."outputBytes"))
      OR (excluded."outputText" IS NOT NULL AND "ToolCall"."outputText" IS NULL)
    RETURNING "runId"::text AS "runId"`;
  return [...new Set(written.map((row) => row.runId))];
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
    UPDATE "ToolCall" t SET "callId" = m.id
    FROM ${retractedCallColumns.from(retracted, "g")}
    JOIN "Call" m ON m."teamId" = ${teamId}::uuid AND m.source = 'claude-code' AND m."messageId" = g."messageId" AND NOT m."isSidechain"
    WHERE t."teamId" = ${teamId}::uuid AND t."callId" = g.id AND t."runId" = m."runId"`;
  await tx.$executeRaw`
    DELETE FROM "ToolCall" WHERE "teamId" = ${teamId}::uuid AND "callId" = ANY(${retracted.map((row) => row.id)}::bigint[])`;
}
