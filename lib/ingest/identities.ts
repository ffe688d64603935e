/**
 * Who a run's trace says did the work, before any rule maps it to a person (lib/ownership).
 * Strongest first: the telemetry's user.email; then the sender when the data is their own (a
 * member uploading with their own session, or pushing with a key they own); then the OS user in
 * the working directory's path; then whoever sent the data (the uploader, the API key, the
 * server's OS user for `trh import`). Admins and managers often upload for the whole team, so
 * their uploads are attributed from what the traces say first.
 */
import type { Scope } from "@/lib/auth/scope";
import { table } from "@/lib/db/tables";
import { Prisma } from "@/lib/generated/prisma/client";
import type { Role } from "@/lib/generated/prisma/enums";

/** Identity.kind: the telemetry's email, the OS user, the uploader's email, the API key's id. */
export const identityKinds = ["email", "os-user", "uploader", "api-key"] as const;
export type IdentityKind = (typeof identityKinds)[number];

export interface TraceIdentity {
  kind: IdentityKind;
  value: string;
}

export interface Sender {
  identity: TraceIdentity;
  /** The data is the sender's own: a member's session, or a key a member created. */
  personal: boolean;
}

/** /home/<user>/..., /Users/<user>/..., C:\Users\<user>\... */
export function identityFromCwd(cwd: string | null): TraceIdentity | null {
  const match = cwd ? /^(?:\/home|\/Users|[A-Za-z]:\\Users)[\\/]([^\\/]{1,200})/.exec(cwd) : null;
  return match?.[1] ? { kind: "os-user", value: match[1] } : null;
}

const key = table("ApiKey", "key");
const creator = table("Membership", "creator");

/** The role in the team of who created API key `apiKeyId` (null: nobody still in it, or no key), as a subquery. */
export function keyCreatorRoleSql(teamId: string, apiKeyId: string): Prisma.Sql {
  return Prisma.sql`(SELECT ${creator.role}::text FROM ${key.$}
    JOIN ${creator.$} ON ${creator.teamId} = ${key.teamId} AND ${creator.userId} = ${key.createdById}
    WHERE ${key.teamId} = ${teamId}::uuid AND ${key.id} = ${apiKeyId}::uuid)`;
}

/** Who sends the data; for an API key, `keyCreatorRole` is keyCreatorRoleSql's answer. */
export function senderOf(scope: Scope, keyCreatorRole: Role | null): Sender {
  switch (scope.actor.kind) {
    case "user":
      return {
        identity: { kind: "uploader", value: scope.actor.email.toLowerCase() },
        personal: scope.actor.role === "MEMBER",
      };
    case "apiKey":
      return { identity: { kind: "api-key", value: scope.actor.apiKeyId }, personal: keyCreatorRole === "MEMBER" };
    case "cli":
      return { identity: { kind: "os-user", value: scope.actor.osUser }, personal: false };
  }
}

export function traceIdentity(email: string | undefined, cwd: string | null, sender: Sender): TraceIdentity {
  if (email) return { kind: "email", value: email.toLowerCase() };
  if (sender.personal) return sender.identity;
  return identityFromCwd(cwd) ?? sender.identity;
}
