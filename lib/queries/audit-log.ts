/** The team's audit log, newest first, with who did it. */
import { db } from "@/lib/db/client";
import type { Scope } from "@/lib/auth/scope";

export async function auditLog(scope: Scope, limit = 200) {
  const entries = await db().auditLog.findMany({ where: { teamId: scope.teamId }, orderBy: { createdAt: "desc" }, take: limit });
  const userIds = [...new Set(entries.flatMap((entry) => (entry.actorUserId ? [entry.actorUserId] : [])))];
  const users = await db().user.findMany({ where: { id: { in: userIds } }, select: { id: true, email: true } });
  const emails = new Map(users.map((user) => [user.id, user.email]));
  return entries.map((entry) => ({ ...entry, id: entry.id.toString(), actor: entry.actorUserId ? (emails.get(entry.actorUserId) ?? "a removed user") : entry.actorApiKeyId ? "an API key" : "the command line" }));
}
