/**
 * The team's audit log, newest first, with who did it, and its before and after readable: the
 * ids of people, projects, tasks and rules that still exist are shown by their names (entries
 * written since merges and deletes record names themselves), and long lists are cut short.
 */

import type { Scope } from "@/lib/auth/scope";
import { db } from "@/lib/db/client";

const shownListItems = 10;

/** Column names as an admin says them; fields left empty (null) are left out. */
const fieldNames: Record<string, string> = {
  setOwnerId: "sets owner",
  setProjectId: "sets project",
  setTaskId: "sets task",
  matchField: "when",
  ownerId: "owner",
  projectId: "project",
  taskId: "task",
  personId: "person",
  ownerSetBy: "owner set by",
  projectSetBy: "project set by",
  taskSetBy: "task set by",
};

function readable(value: unknown, names: Map<string, string>): unknown {
  if (typeof value === "string") return names.get(value) ?? value;
  if (Array.isArray(value)) {
    const items = value.slice(0, shownListItems).map((item) => readable(item, names));
    return value.length > shownListItems ? [...items, `… and ${value.length - shownListItems} more`] : items;
  }
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).flatMap(([key, item]) =>
        item === null ? [] : [[fieldNames[key] ?? key, readable(item, names)]],
      ),
    );
  }
  return value;
}

export async function auditLog(scope: Scope, limit = 200) {
  const where = { teamId: scope.teamId };
  const [entries, people, projects, tasks, rules] = await Promise.all([
    db().auditLog.findMany({ where, orderBy: { createdAt: "desc" }, take: limit }),
    db().person.findMany({ where, select: { id: true, displayName: true, email: true } }),
    db().project.findMany({ where, select: { id: true, name: true } }),
    db().task.findMany({ where, select: { id: true, key: true } }),
    db().ownershipRule.findMany({ where, select: { id: true, name: true } }),
  ]);
  const userIds = [...new Set(entries.flatMap((entry) => (entry.actorUserId ? [entry.actorUserId] : [])))];
  const users = await db().user.findMany({ where: { id: { in: userIds } }, select: { id: true, email: true } });
  const emails = new Map(users.map((user) => [user.id, user.email]));
  const names = new Map<string, string>([
    ...people.map(
      (p) => [p.id, p.email && p.email !== p.displayName ? `${p.displayName} (${p.email})` : p.displayName] as const,
    ),
    ...projects.map((p) => [p.id, `project ${p.name}`] as const),
    ...tasks.map((t) => [t.id, `task ${t.key}`] as const),
    ...rules.map((r) => [r.id, `rule “${r.name}”`] as const),
  ]);
  return entries.map((entry) => ({
    ...entry,
    id: entry.id.toString(),
    before: readable(entry.before, names),
    after: readable(entry.after, names),
    actor: entry.actorUserId
      ? (emails.get(entry.actorUserId) ?? "a removed user")
      : entry.actorApiKeyId
        ? "an API key"
        : "the command line",
  }));
}
