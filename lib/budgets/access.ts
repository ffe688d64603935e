/**
 * Who may see and change budgets (CONTRACT.md): reading needs the read scope (or any member's
 * session: owner budgets only for those who may see owners' spend); writing needs a key of scope
 * `all` or an admin session, the same rule as the GitHub webhook secret.
 */
import { apiScopes } from "@/lib/auth/api-keys";
import { can } from "@/lib/auth/permissions";
import type { Scope } from "@/lib/auth/scope";
import { forbidden } from "@/lib/http/errors";

export function mayManageBudgets(scope: Scope): boolean {
  const actor = scope.actor;
  if (actor.kind === "apiKey") return apiScopes.every((apiScope) => actor.scopes.includes(apiScope));
  return can(actor, "members:manage");
}

export function assertMayManageBudgets(scope: Scope): void {
  if (!mayManageBudgets(scope)) throw forbidden("changing budgets needs an admin, or a key of scope all");
}

export function maySeeOwnerBudgets(scope: Scope): boolean {
  return can(scope.actor, "spend:read-all");
}
