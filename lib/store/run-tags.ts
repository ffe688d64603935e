/**
 * The RunTag table's SQL for the ingest writer: the tags of the runs a batch read, found by their
 * session id (like the session details). A tag sent again with another value replaces it.
 */
import { type RowOf, type SqlClient, tableInput } from "@/lib/db/columns";
import { table } from "@/lib/db/tables";
import type { RunTagModel } from "@/lib/generated/prisma/models/RunTag";

const RunTagTable = table("RunTag");
const r = table("Run", "r");
const runTagExcluded = table("RunTag", "excluded");

export const runTagInputColumns = tableInput<RunTagModel, { externalId: string }>()({
  externalId: "text",
  key: "text",
  value: "text",
});
export type RunTagInput = RowOf<typeof runTagInputColumns>;

/** Stores the tags of stored runs in one statement; of a (session, key) given twice, the last value wins. */
export async function upsertRunTags(tx: SqlClient, teamId: string, tags: RunTagInput[]): Promise<void> {
  const last = new Map(tags.map((tag) => [`${tag.externalId}\u0000${tag.key}`, tag]));
  if (last.size === 0) return;
  // DISTINCT ON: two runs of different sources may share a session id, never a (run, key) twice.
  await tx.$executeRaw`
    INSERT INTO ${RunTagTable.$} (${RunTagTable.teamId}, ${RunTagTable.runId}, ${RunTagTable.key}, ${RunTagTable.value})
    SELECT DISTINCT ON (${r.id}, t.key) ${teamId}::uuid, ${r.id}, t.key, t.value
    FROM ${runTagInputColumns.from([...last.values()], "t")}
    JOIN ${r.$} ON ${r.teamId} = ${teamId}::uuid AND ${r.externalId} = t."externalId"
    ON CONFLICT (${RunTagTable.teamId}, ${RunTagTable.runId}, ${RunTagTable.key}) DO UPDATE SET ${RunTagTable.value} = ${runTagExcluded.value}`;
}
