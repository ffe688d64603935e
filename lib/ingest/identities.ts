/**
 * Who a run's trace says did the work, before any rule maps it to a person (lib/ownership).
 * Strongest first: the telemetry's user.email, the OS user in the working directory's path, then
 * whoever sent the data (the signed-in uploader or the API key).
 */
import type { Scope } from "@/lib/auth/scope";

export interface TraceIdentity {
  kind: "email" | "os-user" | "uploader" | "api-key";
  value: string;
}

/** /home/<user>/..., /Users/<user>/..., C:\Users\<user>\... */
export function identityFromCwd(cwd: string | null): TraceIdentity | null {
  const match = cwd ? /^(?:\/home|\/Users|[A-Za-z]:\\Users)[\\/]([^\\/]+)/.exec(cwd) : null;
  return match?.[1] ? { kind: "os-user", value: match[1] } : null;
}

export function identityOfSender(scope: Scope): TraceIdentity {
  switch (scope.actor.kind) {
    case "user":
      return { kind: "uploader", value: scope.actor.email };
    case "apiKey":
      return { kind: "api-key", value: scope.actor.apiKeyId };
    case "cli":
      return { kind: "os-user", value: scope.actor.osUser };
  }
}

export function traceIdentity(email: string | undefined, cwd: string | null, scope: Scope): TraceIdentity {
  if (email) return { kind: "email", value: email.toLowerCase() };
  return identityFromCwd(cwd) ?? identityOfSender(scope);
}
