/**
 * Everything the Ownership page lists: rules in order, people, identities, projects and tasks,
 * and the discovery switches. People's identities and their spend are for those who may read
 * every owner's spend; a member sees only their own person and identities.
 */
import { maySeeEveryonesSpend, ownUserId } from "@/lib/auth/policy";
import type { Scope } from "@/lib/auth/scope";
import { db } from "@/lib/db/client";
import { recordColumns } from "@/lib/db/columns";
import { table } from "@/lib/db/tables";
import { Prisma } from "@/lib/generated/prisma/client";

const Run = table("Run");
const rRun = table("Run", "r");

const usageColumns = recordColumns({ dimension: "text", id: "text", runs: "int", costUsd: "float8" });

export async function ownershipSetup(scope: Scope) {
  const where = { teamId: scope.teamId };
  const readAll = maySeeEveryonesSpend(scope);
  const peopleWhere = readAll
    ? where
    : { teamId: scope.teamId, userId: ownUserId(scope) ?? "00000000-0000-0000-0000-000000000000" };
  const [rules, people, personNames, identities, projects, tasks, identityRuns, settings] = await Promise.all([
    db().ownershipRule.findMany({ where, orderBy: { position: "asc" } }),
    db().person.findMany({ where: peopleWhere, orderBy: { displayName: "asc" } }),
    // Names alone (for the rules' "sets owner Ana"): not spend, so everyone may read them.
    db().person.findMany({ where, select: { id: true, displayName: true } }),
    db().identity.findMany({
      where: readAll ? where : { teamId: scope.teamId, person: peopleWhere },
      orderBy: [{ kind: "asc" }, { value: "asc" }],
    }),
    db().project.findMany({ where, orderBy: { name: "asc" } }),
    db().task.findMany({ where, orderBy: { key: "asc" }, take: 500 }),
    readAll
      ? db().$queryRaw<{ identityId: string; runs: number; costUsd: number }[]>`
          SELECT ${Run.identityId}::text AS "identityId", count(*)::int AS runs, sum(${Run.costUsd})::float8 AS "costUsd"
          FROM ${Run.$} WHERE ${Run.teamId} = ${scope.teamId}::uuid AND ${Run.identityId} IS NOT NULL GROUP BY 1`
      : Promise.resolve([]),
    db().ownershipSettings.findUnique({ where }),
  ]);
  // Runs and spend per owner (only for those who may read every owner's), project and task.
  const usageRows = await usageColumns.read(
    db(),
    Prisma.sql`
    SELECT d.dimension, d.id, count(*)::int AS runs, sum(${rRun.costUsd})::float8 AS "costUsd"
    FROM ${rRun.$} CROSS JOIN LATERAL (VALUES ('owner', ${rRun.ownerId}::text), ('project', ${rRun.projectId}::text), ('task', ${rRun.taskId}::text)) AS d(dimension, id)
    WHERE ${rRun.teamId} = ${scope.teamId}::uuid AND d.id IS NOT NULL ${readAll ? Prisma.empty : Prisma.sql`AND d.dimension <> 'owner'`}
    GROUP BY 1, 2`,
  );
  const usageOf = new Map(
    usageRows.map((row) => [`${row.dimension}:${row.id}`, { runs: row.runs, costUsd: row.costUsd }]),
  );
  const none = { runs: 0, costUsd: 0 };
  const usage = new Map(identityRuns.map((row) => [row.identityId, row]));
  return {
    rules,
    people: people.map((person) => ({ ...person, ...(usageOf.get(`owner:${person.id}`) ?? none) })),
    projects: projects.map((project) => ({ ...project, ...(usageOf.get(`project:${project.id}`) ?? none) })),
    tasks: tasks.map((task) => ({ ...task, ...(usageOf.get(`task:${task.id}`) ?? none) })),
    personNames,
    discovery: {
      discoverOwners: settings?.discoverOwners ?? true,
      discoverProjects: settings?.discoverProjects ?? true,
      discoverTasks: settings?.discoverTasks ?? true,
    },
    /** Spend per identity is only filled in for those who may read every owner's spend. */
    identities: identities.map((identity) => ({
      ...identity,
      runs: usage.get(identity.id)?.runs ?? 0,
      costUsd: usage.get(identity.id)?.costUsd ?? 0,
    })),
  };
}

export type OwnershipSetup = Awaited<ReturnType<typeof ownershipSetup>>;

/** Names for ids in provenance and previews ("rule:<id>", a person's id...). */
export function namesOf(setup: OwnershipSetup): Map<string, string> {
  return new Map<string, string>([
    ...setup.personNames.map((p) => [p.id, p.displayName] as [string, string]),
    ...setup.projects.map((p) => [p.id, p.name] as [string, string]),
    ...setup.tasks.map((t) => [t.id, t.key] as [string, string]),
    ...setup.rules.map((r) => [r.id, r.name] as [string, string]),
  ]);
}
