/**
 * Creating, listing and revoking API keys for a team; the key itself is returned once. Admins
 * manage every key; another member makes push keys (scope "push": traces to this team only) and
 * sees and revokes only the keys they made.
 */
import { z } from "zod";
import { type ApiScope, generateApiKey, scopeChoice, scopesFor } from "@/lib/auth/api-keys";
import type { Actor } from "@/lib/auth/permissions";
import { may } from "@/lib/auth/policy";
import { teamDb } from "@/lib/db/team-db";

export const newApiKeySchema = z.object({
  name: z.string().trim().min(1, "a name").max(100),
  scope: scopeChoice,
});

export async function createApiKey(
  scope: { teamId: string },
  input: z.input<typeof newApiKeySchema>,
  actorUserId: string | null = null,
): Promise<{ id: string; key: string; prefix: string }> {
  const { name, scope: choice } = newApiKeySchema.parse(input);
  const { key, prefix, hash } = generateApiKey();
  const tdb = teamDb(scope);
  const created = await tdb.apiKey.create({
    data: { teamId: scope.teamId, name, prefix, hash, scopes: scopesFor(choice), createdById: actorUserId },
  });
  await tdb.auditLog.create({
    data: {
      teamId: scope.teamId,
      actorUserId,
      action: "apiKey.create",
      entityType: "ApiKey",
      entityId: created.id,
      after: { name, prefix, scopes: created.scopes },
    },
  });
  return { id: created.id, key, prefix };
}

/** A member's own key for `trh push`: scope "push", made by them, for the team they are in. */
export async function createOwnPushKey(
  scope: { teamId: string; actor: Actor },
  name: string,
): Promise<{ id: string; key: string; prefix: string }> {
  if (scope.actor.kind !== "user" || !may(scope, "keys:own")) throw new Error("not allowed to make a push key");
  const parsed = newApiKeySchema.shape.name.parse(name);
  const { key, prefix, hash } = generateApiKey();
  const tdb = teamDb(scope);
  const scopes: ApiScope[] = ["push"];
  const created = await tdb.apiKey.create({
    data: { teamId: scope.teamId, name: parsed, prefix, hash, scopes, createdById: scope.actor.userId },
  });
  await tdb.auditLog.create({
    data: {
      teamId: scope.teamId,
      actorUserId: scope.actor.userId,
      action: "apiKey.create",
      entityType: "ApiKey",
      entityId: created.id,
      after: { name: parsed, prefix, scopes },
    },
  });
  return { id: created.id, key, prefix };
}

/** The keys a caller may see: all of the team's for admins, else the ones they made. */
export async function visibleApiKeys(scope: { teamId: string; actor: Actor }) {
  const orderBy = { createdAt: "desc" } as const;
  if (may(scope, "keys:manage")) return teamDb(scope).apiKey.findMany({ orderBy });
  if (scope.actor.kind !== "user") return [];
  return teamDb(scope).apiKey.findMany({ where: { createdById: scope.actor.userId }, orderBy });
}

/** Revokes a key; `onlyCreatedBy` limits it to a key that user made (members revoke only their own). */
export async function revokeApiKey(
  scope: { teamId: string },
  id: string,
  actorUserId: string | null,
  onlyCreatedBy?: string,
): Promise<boolean> {
  const tdb = teamDb(scope);
  const { count } = await tdb.apiKey.updateMany({
    where: { id, revokedAt: null, ...(onlyCreatedBy === undefined ? {} : { createdById: onlyCreatedBy }) },
    data: { revokedAt: new Date() },
  });
  if (count > 0) {
    await tdb.auditLog.create({
      data: { teamId: scope.teamId, actorUserId, action: "apiKey.revoke", entityType: "ApiKey", entityId: id },
    });
  }
  return count > 0;
}
