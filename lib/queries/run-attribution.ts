/** A run's owner, project and task with what set each, and its split, for the run page. */

import { visibleRunsCondition } from "@/lib/auth/policy";
import type { Scope } from "@/lib/auth/scope";
import { db } from "@/lib/db/client";
import { table } from "@/lib/db/tables";
import type { IdentityKind } from "@/lib/ingest/identities";
import { parseProvenance } from "@/lib/ownership/provenance";
import { namesOf, ownershipSetup } from "./ownership-setup";

const r = table("Run", "r");

export interface FieldAttribution {
  id: string | null;
  name: string | null;
  /** Plain words: "from rule “Ana's laptop”", "from OS user ana", "from repository billing-api", "set by hand by bob@x". */
  setBy: string | null;
}

const identityWords: Record<IdentityKind, string> = {
  email: "telemetry email",
  "os-user": "OS user",
  uploader: "the uploader",
  "api-key": "the API key's creator",
};

/** Null when the run is not one the scope may see (lib/auth/policy.ts), like the run itself. */
export type RunAttribution = NonNullable<Awaited<ReturnType<typeof runAttribution>>>;

export async function runAttribution(scope: Scope, runId: string) {
  const [visible] = await db().$queryRaw<{ id: string }[]>`
    SELECT ${r.id}::text AS id FROM ${r.$} WHERE ${visibleRunsCondition(scope)} AND ${r.id} = ${runId}::uuid`;
  const run = visible ? await db().run.findFirst({ where: { teamId: scope.teamId, id: runId } }) : null;
  if (!run) return null;
  const setup = await ownershipSetup(scope);
  const names = namesOf(setup);
  const shares = await db().runOwnerShare.findMany({ where: { teamId: scope.teamId, runId } });
  const manualUsers = [run.ownerSetBy, run.projectSetBy, run.taskSetBy].flatMap((setBy) => {
    const parsed = setBy === null ? null : parseProvenance(setBy);
    return parsed?.kind === "manual" ? [parsed.value] : [];
  });
  const users = new Map(
    (await db().user.findMany({ where: { id: { in: manualUsers } }, select: { id: true, email: true } })).map((u) => [
      u.id,
      u.email,
    ]),
  );
  const identity = run.identityId
    ? await db().identity.findFirst({
        where: { teamId: scope.teamId, id: run.identityId },
        select: { kind: true, value: true },
      })
    : null;
  const describeSetBy = (setBy: string | null): string | null => {
    if (!setBy) return null;
    const parsed = parseProvenance(setBy);
    if (!parsed) return setBy;
    const { kind, value } = parsed;
    switch (kind) {
      case "manual":
        return `set by hand by ${users.get(value) ?? "a former member"}`;
      case "rule":
        return `from rule “${names.get(value) ?? "deleted rule"}”`;
      case "identity":
        return identity
          ? `from ${identityWords[identity.kind as IdentityKind] ?? identity.kind}${identity.kind === "api-key" ? "" : ` ${identity.value}`}`
          : "from the trace's identity";
      case "project-pattern":
        return "from the project's repository or path pattern";
      case "repository":
        return `from repository ${value}`;
      case "directory":
        return `from the repository folder ${value} of the working directory`;
      case "ticket":
        return `from ticket key ${value} in the branch or first prompt`;
      case "branch":
        return `from branch ${value}`;
      case "pr":
        return `from pull request ${value}`;
    }
  };
  const field = (id: string | null, setBy: string | null): FieldAttribution => ({
    id,
    name: id ? (names.get(id) ?? null) : null,
    setBy: describeSetBy(setBy),
  });
  const owner = run.ownerId ? setup.people.find((person) => person.id === run.ownerId) : undefined;
  return {
    owner: {
      ...field(run.ownerId, run.ownerSetBy),
      email: owner?.email && owner.email !== owner.displayName ? owner.email : null,
    },
    project: field(run.projectId, run.projectSetBy),
    task: field(run.taskId, run.taskSetBy),
    shares: shares.map((share) => ({
      personId: share.personId,
      name: names.get(share.personId) ?? "?",
      percent: Number(share.percent),
    })),
    people: setup.people,
    projects: setup.projects,
    tasks: setup.tasks,
  };
}
