/**
 * The policy: what a Scope may do and which runs it may see, asked the same way by routes, pages,
 * server actions and queries. The role and key-scope table itself is lib/auth/permissions.ts; this
 * module turns it into the questions the code asks, so no caller re-derives a rule:
 * - `may` / `assertMay`: a permission (403 with a sentence when refused);
 * - `maySeeEveryonesSpend`: who may read another person's spend (managers, admins, read keys);
 * - `assertMayBreakDown`: breakdowns that name a person or one run need that too (members see
 *   team aggregates only), checked by the query functions themselves so no route can forget it;
 * - `visibleRunsCondition` / `decidableRunsCondition`: which runs, as SQL on the Run aliased `r`.
 */

import { table } from "@/lib/db/tables";
import { Prisma } from "@/lib/generated/prisma/client";
import { forbidden } from "@/lib/http/http-error";
import { type Actor, can, type Permission } from "./permissions";

const rRun = table("Run", "r");

const Person = table("Person");
const p = table("Person", "p");
const sRunOwnerShare = table("RunOwnerShare", "s");

/** Whoever is asking: a Scope, or anything carrying its actor and team. */
interface Asker {
  teamId: string;
  actor: Actor;
}

export function may(scope: Pick<Asker, "actor">, permission: Permission): boolean {
  return can(scope.actor, permission);
}

/** Throws 403 with `why` (a sentence naming what is needed) unless the scope may. */
export function assertMay(scope: Pick<Asker, "actor">, permission: Permission, why?: string): void {
  if (!may(scope, permission)) throw forbidden(why);
}

/** Another person's spend (owners, identities, single runs): managers, admins and read keys. */
export function maySeeEveryonesSpend(scope: Pick<Asker, "actor">): boolean {
  return may(scope, "spend:read-all");
}

/** Breakdowns whose rows are a person or a single run. */
const personalBreakdowns: ReadonlySet<string> = new Set(["owner", "run"]);

/** Whether the scope may group by `dimension` (the overview and waste pages offer only these). */
export function mayGroupBy(scope: Pick<Asker, "actor">, dimension: string): boolean {
  return !personalBreakdowns.has(dimension) || maySeeEveryonesSpend(scope);
}

/**
 * Members see team aggregates, not other people's spend: grouping by owner or run, or filtering
 * to one owner, needs `spend:read-all`. `what` names the answer refused, with its verb ("spend by owner needs").
 */
export function assertMayBreakDown(
  scope: Pick<Asker, "actor">,
  query: { groupBy?: string; owner?: string | undefined },
  what: string,
): void {
  const personal = (query.groupBy !== undefined && personalBreakdowns.has(query.groupBy)) || query.owner !== undefined;
  if (personal && !maySeeEveryonesSpend(scope)) throw forbidden(`${what} the manager or admin role, or a read key`);
}

/** The signed-in user behind a scope, or null for keys and the command line. */
export function ownUserId(scope: Pick<Asker, "actor">): string | null {
  return scope.actor.kind === "user" ? scope.actor.userId : null;
}

/** Runs of the team owned by the scope's person (aliased `r`). */
function ownedRuns(scope: Asker, userId: string | null): Prisma.Sql {
  return Prisma.sql`${rRun.ownerId} IN (
    SELECT ${Person.id} FROM ${Person.$} WHERE ${Person.teamId} = ${scope.teamId}::uuid AND ${Person.userId} = ${userId}::uuid)`;
}

/**
 * Which runs a caller may see one by one, as a condition on the Run aliased `r`: managers, admins
 * and read keys see all of the team's; members the runs they own or share in.
 */
export function visibleRunsCondition(scope: Asker): Prisma.Sql {
  const team = Prisma.sql`${rRun.teamId} = ${scope.teamId}::uuid`;
  if (maySeeEveryonesSpend(scope)) return team;
  const userId = ownUserId(scope);
  return Prisma.sql`${team} AND (${ownedRuns(scope, userId)}
    OR EXISTS (SELECT 1 FROM ${sRunOwnerShare.$} JOIN ${p.$} ON ${p.teamId} = ${sRunOwnerShare.teamId} AND ${p.id} = ${sRunOwnerShare.personId}
      WHERE ${sRunOwnerShare.teamId} = ${rRun.teamId} AND ${sRunOwnerShare.runId} = ${rRun.id} AND ${p.userId} = ${userId}::uuid))`;
}

/**
 * Runs the caller may mark accepted or rejected, as a condition on the Run aliased `r`: managers,
 * admins, ingest keys (CI, hooks) and the webhook (a team-wide scope) reach the whole team;
 * members the runs they own (a share in someone else's run is not theirs to decide).
 */
export function decidableRunsCondition(scope: Asker): Prisma.Sql {
  const team = Prisma.sql`${rRun.teamId} = ${scope.teamId}::uuid`;
  if (scope.actor.kind !== "user" || maySeeEveryonesSpend(scope)) return team;
  return Prisma.sql`${team} AND ${ownedRuns(scope, scope.actor.userId)}`;
}
