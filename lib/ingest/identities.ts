/**
 * Who a run's trace says did the work, before any rule maps it to a person (lib/ownership).
 * Strongest first: the telemetry's user.email; then the sender when the data is their own (a
 * member uploading with their own session, or pushing with a key they own); then the OS user in
 * the working directory's path; then whoever sent the data (the uploader, the API key, the
 * server's OS user for `trh import`). Admins and managers often upload for the whole team, so
 * their uploads are attributed from what the traces say first.
 */
import type { Scope } from "@/lib/auth/scope";
import { db } from "@/lib/db/client";

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

export async function senderOf(scope: Scope): Promise<Sender> {
  switch (scope.actor.kind) {
    case "user":
      return {
        identity: { kind: "uploader", value: scope.actor.email.toLowerCase() },
        personal: scope.actor.role === "MEMBER",
      };
    case "apiKey": {
      const key = await db().apiKey.findFirst({
        where: { teamId: scope.teamId, id: scope.actor.apiKeyId },
        select: { createdById: true },
      });
      const creator = key?.createdById
        ? await db().membership.findFirst({
            where: { teamId: scope.teamId, userId: key.createdById },
            select: { role: true },
          })
        : null;
      return { identity: { kind: "api-key", value: scope.actor.apiKeyId }, personal: creator?.role === "MEMBER" };
    }
    case "cli":
      return { identity: { kind: "os-user", value: scope.actor.osUser }, personal: false };
  }
}

export function traceIdentity(email: string | undefined, cwd: string | null, sender: Sender): TraceIdentity {
  if (email) return { kind: "email", value: email.toLowerCase() };
  if (sender.personal) return sender.identity;
  return identityFromCwd(cwd) ?? sender.identity;
}
