/** The team's GitHub webhook secret: generated here, shown once, rotated by admins. */
import { randomBytes } from "node:crypto";
import { db } from "@/lib/db/client";

export async function rotateGithubWebhookSecret(scope: { teamId: string }, actorUserId: string): Promise<string> {
  const secret = randomBytes(32).toString("hex");
  await db().$transaction([
    db().team.update({ where: { id: scope.teamId }, data: { githubWebhookSecret: secret } }),
    // The secret itself never goes into the log.
    db().auditLog.create({ data: { teamId: scope.teamId, actorUserId, action: "team.githubWebhookSecret.rotate", entityType: "Team", entityId: scope.teamId } }),
  ]);
  return secret;
}

export async function hasGithubWebhookSecret(scope: { teamId: string }): Promise<boolean> {
  const team = await db().team.findUnique({ where: { id: scope.teamId }, select: { githubWebhookSecret: true } });
  return !!team?.githubWebhookSecret;
}
