/**
 * Which runs a caller may see one by one: managers, admins and read keys see all of the team's;
 * members see the runs they own (team aggregates stay visible to them elsewhere).
 */
import { can } from "@/lib/auth/permissions";
import type { Scope } from "@/lib/auth/scope";
import { Prisma } from "@/lib/generated/prisma/client";

/** A SQL condition on the Run aliased `r`. */
export function visibleRunsCondition(scope: Scope): Prisma.Sql {
  if (can(scope.actor, "spend:read-all")) return Prisma.sql`r."teamId" = ${scope.teamId}::uuid`;
  const userId = scope.actor.kind === "user" ? scope.actor.userId : null;
  // Their own: owned by their person, or split with them.
  return Prisma.sql`r."teamId" = ${scope.teamId}::uuid AND (r."ownerId" IN (
      SELECT id FROM "Person" WHERE "teamId" = ${scope.teamId}::uuid AND "userId" = ${userId}::uuid)
    OR EXISTS (SELECT 1 FROM "RunOwnerShare" s JOIN "Person" p ON p."teamId" = s."teamId" AND p.id = s."personId"
      WHERE s."teamId" = r."teamId" AND s."runId" = r.id AND p."userId" = ${userId}::uuid))`;
}
