/**
 * The unallocated queue: runs without an owner, grouped by what they have in common (the same
 * working directory, the same trace identity), with their spend, so an admin can assign a whole
 * group at once or turn it into a rule.
 */
import { db } from "@/lib/db/client";
import type { Scope } from "@/lib/auth/scope";

export interface UnallocatedGroup {
  /** "cwd" or "identity": which rule field the group shares. */
  field: "cwd" | "identity";
  value: string;
  /** For identities, what kind of identity (email, os-user, ...). */
  detail: string | null;
  runs: number;
  costUsd: number;
  runIds: string[];
}

export async function unallocatedGroups(scope: Scope, limit = 50): Promise<{ groups: UnallocatedGroup[]; totalRuns: number; totalUsd: number }> {
  const [groups, [totals]] = await Promise.all([
    db().$queryRaw<UnallocatedGroup[]>`
      SELECT * FROM (
        SELECT 'identity' AS field, i.value, i.kind AS detail, count(*)::int AS runs, sum(r."costUsd")::float8 AS "costUsd",
          (array_agg(r.id::text ORDER BY r."costUsd" DESC))[1:10000] AS "runIds"
        FROM "Run" r JOIN "Identity" i ON i."teamId" = r."teamId" AND i.id = r."identityId"
        WHERE r."teamId" = ${scope.teamId}::uuid AND r."ownerId" IS NULL AND NOT EXISTS (SELECT 1 FROM "RunOwnerShare" s WHERE s."teamId" = r."teamId" AND s."runId" = r.id)
        GROUP BY i.value, i.kind
        UNION ALL
        SELECT 'cwd', r.cwd, NULL, count(*)::int, sum(r."costUsd")::float8, (array_agg(r.id::text ORDER BY r."costUsd" DESC))[1:10000]
        FROM "Run" r
        WHERE r."teamId" = ${scope.teamId}::uuid AND r."ownerId" IS NULL AND r.cwd IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "RunOwnerShare" s WHERE s."teamId" = r."teamId" AND s."runId" = r.id)
        GROUP BY r.cwd
      ) g ORDER BY "costUsd" DESC, value LIMIT ${limit}`,
    db().$queryRaw<{ runs: number; usd: number }[]>`
      SELECT count(*)::int AS runs, coalesce(sum("costUsd"), 0)::float8 AS usd FROM "Run" r
      WHERE r."teamId" = ${scope.teamId}::uuid AND r."ownerId" IS NULL AND NOT EXISTS (SELECT 1 FROM "RunOwnerShare" s WHERE s."teamId" = r."teamId" AND s."runId" = r.id)`,
  ]);
  return { groups, totalRuns: totals!.runs, totalUsd: totals!.usd };
}
