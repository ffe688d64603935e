/** Everything the Ownership page lists: rules in order, people, identities, projects and tasks. */
import { db } from "@/lib/db/client";
import type { Scope } from "@/lib/auth/scope";

export async function ownershipSetup(scope: Scope) {
  const where = { teamId: scope.teamId };
  const [rules, people, identities, projects, tasks, identityRuns] = await Promise.all([
    db().ownershipRule.findMany({ where, orderBy: { position: "asc" } }),
    db().person.findMany({ where, orderBy: { displayName: "asc" } }),
    db().identity.findMany({ where, orderBy: [{ kind: "asc" }, { value: "asc" }] }),
    db().project.findMany({ where, orderBy: { name: "asc" } }),
    db().task.findMany({ where, orderBy: { key: "asc" }, take: 500 }),
    db().$queryRaw<{ identityId: string; runs: number; costUsd: number }[]>`
      SELECT "identityId"::text AS "identityId", count(*)::int AS runs, sum("costUsd")::float8 AS "costUsd"
      FROM "Run" WHERE "teamId" = ${scope.teamId}::uuid AND "identityId" IS NOT NULL GROUP BY 1`,
  ]);
  const usage = new Map(identityRuns.map((row) => [row.identityId, row]));
  return {
    rules,
    people,
    projects,
    tasks,
    identities: identities.map((identity) => ({ ...identity, runs: usage.get(identity.id)?.runs ?? 0, costUsd: usage.get(identity.id)?.costUsd ?? 0 })),
  };
}

export type OwnershipSetup = Awaited<ReturnType<typeof ownershipSetup>>;

/** Names for ids in provenance and previews ("rule:<id>", a person's id...). */
export function namesOf(setup: OwnershipSetup): Map<string, string> {
  return new Map<string, string>([
    ...setup.people.map((p) => [p.id, p.displayName] as [string, string]),
    ...setup.projects.map((p) => [p.id, p.name] as [string, string]),
    ...setup.tasks.map((t) => [t.id, t.key] as [string, string]),
    ...setup.rules.map((r) => [r.id, r.name] as [string, string]),
  ]);
}
