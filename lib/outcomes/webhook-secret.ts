/** The team's GitHub webhook secret: generated here and shown once, or set by script; admins only. */
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { db } from "@/lib/db/client";

/** Who changed the secret, for the audit log (the secret itself never goes into the log). */
export interface SecretActor {
  userId: string | null;
  apiKeyId: string | null;
}

export async function rotateGithubWebhookSecret(scope: { teamId: string }, actorUserId: string): Promise<string> {
  const secret = randomBytes(32).toString("hex");
  await setGithubWebhookSecret(
    scope,
    secret,
    { userId: actorUserId, apiKeyId: null },
    "team.githubWebhookSecret.rotate",
  );
  return secret;
}

/** `PUT /api/v1/webhooks/github` `{"secret"}`: what GitHub's webhook form holds; no control characters. */
export const webhookSecretRequestSchema = z.object({
  secret: z
    .string()
    .min(1)
    .max(256)
    .refine(
      (secret) => ![...secret].some((char) => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f),
      "must not contain control characters",
    ),
});

export async function setGithubWebhookSecret(
  scope: { teamId: string },
  secret: string,
  actor: SecretActor,
  action = "team.githubWebhookSecret.set",
): Promise<void> {
  await db().$transaction([
    db().team.update({ where: { id: scope.teamId }, data: { githubWebhookSecret: secret } }),
    db().auditLog.create({
      data: {
        teamId: scope.teamId,
        actorUserId: actor.userId,
        actorApiKeyId: actor.apiKeyId,
        action,
        entityType: "Team",
        entityId: scope.teamId,
      },
    }),
  ]);
}

export async function hasGithubWebhookSecret(scope: { teamId: string }): Promise<boolean> {
  const team = await db().team.findUnique({ where: { id: scope.teamId }, select: { githubWebhookSecret: true } });
  return !!team?.githubWebhookSecret;
}
