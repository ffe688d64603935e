/**
 * The unallocated queue: runs that still lack an owner or a project, each in one group by its
 * strongest signal (for a missing owner, the trace identity: telemetry email or OS user; else
 * the repository remote, else the working directory, else the source), with their spend and what
 * they lack, so an admin can assign many groups at once or turn them into rules. Only for those
 * who may read every owner's spend: the groups are other people's runs.
 */
import { maySeeEveryonesSpend } from "@/lib/auth/policy";
import type { Scope } from "@/lib/auth/scope";
import { db } from "@/lib/db/client";
import { recordColumns } from "@/lib/db/columns";
import { table } from "@/lib/db/tables";
import { Prisma } from "@/lib/generated/prisma/client";

const IdentityTable = table("Identity");
const iIdentity = table("Identity", "i");
const rRun = table("Run", "r");
const sRunOwnerShare = table("RunOwnerShare", "s");

export interface UnallocatedGroup {
  /** The rule field the group shares: "identity", "repository", "cwd" or "source". */
  field: "identity" | "repository" | "cwd" | "source";
  value: string;
  /** For identities, their kind (email, os-user, ...). */
  detail: string | null;
  runs: number;
  costUsd: number;
  /** How many of its runs lack an owner, and a project. */
  withoutOwner: number;
  withoutProject: number;
}

const unsplit = Prisma.sql`NOT EXISTS (SELECT 1 FROM ${sRunOwnerShare.$} WHERE ${sRunOwnerShare.teamId} = ${rRun.teamId} AND ${sRunOwnerShare.runId} = ${rRun.id})`;
const lacksOwner = Prisma.sql`(${rRun.ownerId} IS NULL AND ${unsplit})`;
const unallocatedRun = Prisma.sql`(${lacksOwner} OR ${rRun.projectId} IS NULL)`;

/** Each unallocated run's group, as SQL over Run `r` and its Identity `i`. */
const signal = Prisma.sql`
  CROSS JOIN LATERAL (SELECT CASE
      WHEN ${lacksOwner} AND ${iIdentity.kind} IN ('email', 'os-user', 'uploader') THEN 'identity'
      WHEN ${rRun.repository} IS NOT NULL THEN 'repository'
      WHEN ${rRun.cwd} IS NOT NULL THEN 'cwd'
      ELSE 'source' END AS field) f
  CROSS JOIN LATERAL (SELECT CASE f.field WHEN 'identity' THEN ${iIdentity.value} WHEN 'repository' THEN ${rRun.repository} WHEN 'cwd' THEN ${rRun.cwd} ELSE ${rRun.source} END AS value,
    CASE WHEN f.field = 'identity' THEN ${iIdentity.kind} END AS detail) g`;

const totalColumns = recordColumns({ runs: "int", usd: "float8" });

export async function unallocatedGroups(
  scope: Scope,
  limit = 200,
): Promise<{ groups: UnallocatedGroup[]; totalRuns: number; totalUsd: number }> {
  if (!maySeeEveryonesSpend(scope)) return { groups: [], totalRuns: 0, totalUsd: 0 };
  const [groups, [totals]] = await Promise.all([
    db().$queryRaw<UnallocatedGroup[]>`
      SELECT f.field, g.value, g.detail, count(*)::int AS runs, sum(${rRun.costUsd})::float8 AS "costUsd",
        count(*) FILTER (WHERE ${lacksOwner})::int AS "withoutOwner", count(*) FILTER (WHERE ${rRun.projectId} IS NULL)::int AS "withoutProject"
      FROM ${rRun.$} LEFT JOIN ${iIdentity.$} ON ${iIdentity.teamId} = ${rRun.teamId} AND ${iIdentity.id} = ${rRun.identityId} ${signal}
      WHERE ${rRun.teamId} = ${scope.teamId}::uuid AND ${unallocatedRun}
      GROUP BY 1, 2, 3 ORDER BY "costUsd" DESC, ${IdentityTable.value} LIMIT ${limit}`,
    totalColumns.read(
      db(),
      Prisma.sql`
        SELECT count(*)::int AS runs, coalesce(sum(${rRun.costUsd}), 0)::float8 AS usd FROM ${rRun.$}
        WHERE ${rRun.teamId} = ${scope.teamId}::uuid AND ${unallocatedRun}`,
    ),
  ]);
  return { groups, totalRuns: totals!.runs, totalUsd: totals!.usd };
}

/** The unallocated runs of the groups an admin picked, named as "field:value". */
export async function unallocatedRunsOf(scope: Scope, groups: { field: string; value: string }[]): Promise<string[]> {
  if (groups.length === 0) return [];
  const rows = await db().$queryRaw<{ id: string }[]>`
    SELECT ${rRun.id}::text FROM ${rRun.$} LEFT JOIN ${iIdentity.$} ON ${iIdentity.teamId} = ${rRun.teamId} AND ${iIdentity.id} = ${rRun.identityId} ${signal}
    WHERE ${rRun.teamId} = ${scope.teamId}::uuid AND ${unallocatedRun}
      AND (f.field || chr(31) || g.value) = ANY(${groups.map((group) => `${group.field}\u001f${group.value}`)}::text[])`;
  return rows.map((row) => row.id);
}
