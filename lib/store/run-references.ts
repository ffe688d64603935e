/**
 * The RunReference table: commits, pull requests and branches a run's tools produced (GitHub
 * webhooks find a pull request's runs through them).
 */

import { type RowOf, type SqlClient, tableColumns } from "@/lib/db/columns";
import { table } from "@/lib/db/tables";
import type { RunReferenceModel } from "@/lib/generated/prisma/models/RunReference";

const RunReferenceTable = table("RunReference");

export const runReferenceColumns = tableColumns<RunReferenceModel>()({
  runId: "uuid",
  kind: "text",
  value: "text",
  seenAt: "timestamptz",
});
export type RunReferenceRow = RowOf<typeof runReferenceColumns>;

/** Adds the references not stored yet. */
export async function insertRunReferences(tx: SqlClient, teamId: string, rows: RunReferenceRow[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.$executeRaw`
    INSERT INTO ${RunReferenceTable.$} (${RunReferenceTable.teamId}, ${runReferenceColumns.names()})
    SELECT ${teamId}::uuid, r.* FROM ${runReferenceColumns.from(rows, "r")}
    ON CONFLICT DO NOTHING`;
}
