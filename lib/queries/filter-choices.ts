/** The owners, projects, models and agents a team's filters offer, named as the spend and runs APIs accept them. */
import { maySeeEveryonesSpend } from "@/lib/auth/policy";
import type { Scope } from "@/lib/auth/scope";
import { readDb } from "@/lib/db/client";
import { table } from "@/lib/db/tables";
import { Prisma } from "@/lib/generated/prisma/client";

const DailySpend = table("DailySpend");
const PersonTable = table("Person");
const Project = table("Project");

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
  /** Person id -> owner key, and project id -> name: a filter given by id is shown by its choice. */
  ownerKeyById: Record<string, string>;
  projectNameById: Record<string, string>;
}

/** Members, who see only their own runs, get only themselves as an owner. */
export async function filterChoices(scope: Scope): Promise<FilterChoices> {
  const readAll = maySeeEveryonesSpend(scope);
  const ownUserId = scope.actor.kind === "user" ? scope.actor.userId : null;
  const [owners, projects, models, agents] = await Promise.all([
    // One key per email (or name): the member's own person first, then any other with that key.
    readDb().$queryRaw<{ key: string; name: string; email: string | null; ids: string[] }[]>`
      SELECT coalesce(${PersonTable.email}, ${PersonTable.displayName}) AS key, (array_agg(${PersonTable.displayName} ORDER BY ${PersonTable.userId} IS NULL, ${PersonTable.id}))[1] AS name,
        min(${PersonTable.email}) AS email, array_agg(${PersonTable.id}::text) AS ids
      FROM ${PersonTable.$} WHERE ${PersonTable.teamId} = ${scope.teamId}::uuid ${readAll ? Prisma.empty : Prisma.sql`AND ${PersonTable.userId} = ${ownUserId}::uuid`}
      GROUP BY 1 ORDER BY 1`,
    readDb().$queryRaw<
      { id: string; name: string }[]
    >`SELECT ${Project.id}::text AS id, ${Project.name} FROM ${Project.$} WHERE ${Project.teamId} = ${scope.teamId}::uuid ORDER BY ${Project.name}`,
    // Models come from the rollup (a few rows per day), not from the calls.
    readDb().$queryRaw<
      { name: string }[]
    >`SELECT DISTINCT ${DailySpend.model} AS name FROM ${DailySpend.$} WHERE ${DailySpend.teamId} = ${scope.teamId}::uuid ORDER BY 1`,
    readDb().$queryRaw<
      { name: string }[]
    >`SELECT DISTINCT ${DailySpend.source} AS name FROM ${DailySpend.$} WHERE ${DailySpend.teamId} = ${scope.teamId}::uuid ORDER BY 1`,
  ]);
  return {
    owners: [...owners.sort((a, b) => a.name.localeCompare(b.name)).map((o) => o.key), "unallocated"],
    ownerNames: Object.fromEntries(
      owners.map((o) => [o.key, { name: o.name, email: o.email && o.email !== o.name ? o.email : null }]),
    ),
    projects: [...projects.map((p) => p.name), "unallocated"],
    models: models.map((m) => m.name),
    agents: agents.map((a) => a.name),
    ownerKeyById: Object.fromEntries(owners.flatMap((o) => o.ids.map((id) => [id, o.key]))),
    projectNameById: Object.fromEntries(projects.map((p) => [p.id, p.name])),
  };
}
