/**
 * The Run table's SQL for the ingest writer: a run is (team, source, externalId = session id).
 * A chunk widens a stored run's time span and model list and fills in what it lacked; totals are
 * the rollups' (lib/rollups/spend.ts), attribution lib/ownership's.
 */

import { type RowOf, type SqlClient, tableColumns } from "@/lib/db/columns";
import { table } from "@/lib/db/tables";
import { Prisma } from "@/lib/generated/prisma/client";
import type { RunModel } from "@/lib/generated/prisma/models/Run";

const RunTable = table("Run");
const r = table("Run", "r");
const runExcluded = table("Run", "excluded");

/** A run as a chunk of calls describes it; `models` joined by U+001F (split back in SQL). */
export const runInputColumns = tableColumns<RunModel>()({
  source: "text",
  externalId: "text",
  startedAt: "timestamptz",
  endedAt: "timestamptz",
  models: "text",
  cwd: "text?",
  gitBranch: "text?",
  title: "text?",
  repository: "text?",
  commitSha: "text?",
  cliVersion: "text?",
  identityId: "uuid?",
});
export type RunInput = RowOf<typeof runInputColumns>;

/** A run as the writer needs it: its id, found by the session id of its calls. */
export const runKeyColumns = tableColumns<RunModel>()({ id: "uuid", externalId: "text" });
export type RunKey = RowOf<typeof runKeyColumns>;

/** Creates or widens the runs of a chunk; `apiKeyId` is the key a new run's first calls came with. */
export async function upsertRuns(
  tx: SqlClient,
  teamId: string,
  apiKeyId: string | null,
  runs: RunInput[],
): Promise<RunKey[]> {
  if (runs.length === 0) return [];
  return runKeyColumns.read(
    tx,
    Prisma.sql`
    INSERT INTO ${r.$} (${RunTable.teamId}, ${runInputColumns.names()}, ${RunTable.apiKeyId})
    SELECT ${teamId}::uuid, s.source, s."externalId", s."startedAt", s."endedAt", string_to_array(s.models, chr(31)), s.cwd, s."gitBranch", s.title,
      s.repository, s."commitSha", s."cliVersion", s."identityId", ${apiKeyId}::uuid
    FROM ${runInputColumns.from(runs, "s")}
    ON CONFLICT (${RunTable.teamId}, ${RunTable.source}, ${RunTable.externalId}) DO UPDATE SET
      ${RunTable.startedAt} = least(${r.startedAt}, ${runExcluded.startedAt}),
      ${RunTable.endedAt} = greatest(${r.endedAt}, ${runExcluded.endedAt}),
      ${RunTable.models} = ARRAY(SELECT DISTINCT m FROM unnest(${r.models} || ${runExcluded.models}) AS m ORDER BY m),
      ${RunTable.cwd} = coalesce(${r.cwd}, ${runExcluded.cwd}),
      ${RunTable.gitBranch} = coalesce(${r.gitBranch}, ${runExcluded.gitBranch}),
      ${RunTable.title} = coalesce(${r.title}, ${runExcluded.title}),
      ${RunTable.repository} = coalesce(${r.repository}, ${runExcluded.repository}),
      ${RunTable.commitSha} = coalesce(${r.commitSha}, ${runExcluded.commitSha}),
      ${RunTable.cliVersion} = coalesce(${r.cliVersion}, ${runExcluded.cliVersion}),
      ${RunTable.identityId} = coalesce(${r.identityId}, ${runExcluded.identityId}),
      ${RunTable.updatedAt} = now()
    RETURNING ${runKeyColumns.select("r")}`,
  );
}

/** The stored runs of these session ids (results whose calls came in an earlier chunk). */
export async function runsOfSessions(tx: SqlClient, teamId: string, sessionIds: string[]): Promise<RunKey[]> {
  if (sessionIds.length === 0) return [];
  return runKeyColumns.read(
    tx,
    Prisma.sql`
    SELECT ${runKeyColumns.select("r")} FROM ${r.$} WHERE ${r.teamId} = ${teamId}::uuid AND ${r.externalId} = ANY(${sessionIds}::text[])`,
  );
}

export const sessionDetailColumns = runInputColumns.pick(
  "externalId",
  "title",
  "cwd",
  "gitBranch",
  "repository",
  "commitSha",
  "cliVersion",
);
export type SessionDetails = RowOf<typeof sessionDetailColumns>;

/** Session details (title, repository...) for stored runs that lack them, in one statement. */
export async function fillSessionDetails(tx: SqlClient, teamId: string, sessions: SessionDetails[]): Promise<void> {
  if (sessions.length === 0) return;
  await tx.$executeRaw`
    UPDATE ${r.$} SET ${RunTable.title} = coalesce(${r.title}, s.title), ${RunTable.cwd} = coalesce(${r.cwd}, s.cwd), ${RunTable.gitBranch} = coalesce(${r.gitBranch}, s."gitBranch"),
      ${RunTable.repository} = coalesce(${r.repository}, s.repository), ${RunTable.commitSha} = coalesce(${r.commitSha}, s."commitSha"), ${RunTable.cliVersion} = coalesce(${r.cliVersion}, s."cliVersion")
    FROM ${sessionDetailColumns.from(sessions, "s")}
    WHERE ${r.teamId} = ${teamId}::uuid AND ${r.externalId} = s."externalId"
      AND (${r.title} IS NULL OR ${r.cwd} IS NULL OR ${r.gitBranch} IS NULL OR ${r.repository} IS NULL OR ${r.commitSha} IS NULL OR ${r.cliVersion} IS NULL)`;
}
