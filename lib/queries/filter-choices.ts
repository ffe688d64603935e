/** The owners, projects, models and agents a team's filters offer, named as the spend and runs APIs accept them. */
import { maySeeEveryonesSpend } from "@/lib/auth/policy";
import type { Scope } from "@/lib/auth/scope";
import { db } from "@/lib/db/client";
import { Prisma } from "@/lib/generated/prisma/client";

/** A person's one display name, and their email where it says more. */
export interface OwnerName {
  name: string;
  email: string | null;
}

export interface FilterChoices {
  owners: string[];
  /** Owner keys (as the APIs name owners: email, else display name) -> how pages show them. */
  ownerNames: Record<string, OwnerName>;
  projects: string[];
  models: string[];
  /** Run sources with spend (claude-code, codex, opencode, ...). */
  agents: string[];
}

/** Members, who see only their own runs, get only themselves as an owner. */
export async function filterChoices(scope: Scope): Promise<FilterChoices> {
  const readAll = maySeeEveryonesSpend(scope);
  const ownUserId = scope.actor.kind === "user" ? scope.actor.userId : null;
  const [owners, projects, models, agents] = await Promise.all([
    db().$queryRaw<{ key: string; name: string; email: string | null }[]>`
      SELECT DISTINCT ON (coalesce(email, "displayName")) coalesce(email, "displayName") AS key, "displayName" AS name, email
      FROM "Person" WHERE "teamId" = ${scope.teamId}::uuid ${readAll ? Prisma.empty : Prisma.sql`AND "userId" = ${ownUserId}::uuid`} ORDER BY coalesce(email, "displayName"), "userId" IS NULL`,
    db().$queryRaw<{ name: string }[]>`SELECT name FROM "Project" WHERE "teamId" = ${scope.teamId}::uuid ORDER BY 1`,
    // Models come from the rollup (a few rows per day), not from the calls.
    db().$queryRaw<
      { name: string }[]
    >`SELECT DISTINCT model AS name FROM "DailySpend" WHERE "teamId" = ${scope.teamId}::uuid ORDER BY 1`,
    db().$queryRaw<
      { name: string }[]
    >`SELECT DISTINCT source AS name FROM "DailySpend" WHERE "teamId" = ${scope.teamId}::uuid ORDER BY 1`,
  ]);
  return {
    owners: [...owners.sort((a, b) => a.name.localeCompare(b.name)).map((o) => o.key), "unallocated"],
    ownerNames: Object.fromEntries(
      owners.map((o) => [o.key, { name: o.name, email: o.email && o.email !== o.name ? o.email : null }]),
    ),
    projects: [...projects.map((p) => p.name), "unallocated"],
    models: models.map((m) => m.name),
    agents: agents.map((a) => a.name),
  };
}
