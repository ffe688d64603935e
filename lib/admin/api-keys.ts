/** Creating, listing and revoking API keys for a team; the key itself is returned once. */
import { z } from "zod";
import { generateApiKey, scopeChoice, scopesFor } from "@/lib/auth/api-keys";
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

export async function revokeApiKey(
  scope: { teamId: string },
  id: string,
  actorUserId: string | null,
): Promise<boolean> {
  const tdb = teamDb(scope);
  const { count } = await tdb.apiKey.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date() } });
  if (count > 0) {
    await tdb.auditLog.create({
      data: { teamId: scope.teamId, actorUserId, action: "apiKey.revoke", entityType: "ApiKey", entityId: id },
    });
  }
  return count > 0;
}
