/** A run's owner, project and task with what set each, and its split, for the run page. */
import { db } from "@/lib/db/client";
import type { Scope } from "@/lib/auth/scope";
import { namesOf, ownershipSetup } from "./ownership-setup";

export interface FieldAttribution {
  id: string | null;
  name: string | null;
  /** Plain words: "rule “Ana's laptop”", "Ana (linked identity ana@x)", "set by hand by bob@x". */
  setBy: string | null;
}

export async function runAttribution(scope: Scope, runId: string) {
  const run = await db().run.findFirst({ where: { teamId: scope.teamId, id: runId } });
  if (!run) return null;
  const setup = await ownershipSetup(scope);
  const names = namesOf(setup);
  const shares = await db().runOwnerShare.findMany({ where: { teamId: scope.teamId, runId } });
  const manualUsers = [run.ownerSetBy, run.projectSetBy, run.taskSetBy].flatMap((s) => (s?.startsWith("manual:") ? [s.slice(7)] : []));
  const users = new Map((await db().user.findMany({ where: { id: { in: manualUsers } }, select: { id: true, email: true } })).map((u) => [u.id, u.email]));
  const identities = new Map(setup.identities.map((i) => [i.id, i.value]));
  const describe = (setBy: string | null): string | null => {
    if (!setBy) return null;
    const [kind, ...rest] = setBy.split(":");
    const value = rest.join(":");
    switch (kind) {
      case "manual":
        return `set by hand by ${users.get(value) ?? "a former member"}`;
      case "rule":
        return `rule “${names.get(value) ?? "deleted rule"}”`;
      case "identity":
        return `linked identity ${identities.get(value) ?? value}`;
      case "project-pattern":
        return "the project's repository or path pattern";
      case "ticket":
        return `ticket key ${value} in the branch or prompt`;
      default:
        return setBy;
    }
  };
  const field = (id: string | null, setBy: string | null): FieldAttribution => ({ id, name: id ? (names.get(id) ?? null) : null, setBy: describe(setBy) });
  return {
    owner: field(run.ownerId, run.ownerSetBy),
    project: field(run.projectId, run.projectSetBy),
    task: field(run.taskId, run.taskSetBy),
    shares: shares.map((share) => ({ personId: share.personId, name: names.get(share.personId) ?? "?", percent: Number(share.percent) })),
    people: setup.people,
    projects: setup.projects,
    tasks: setup.tasks,
  };
}
