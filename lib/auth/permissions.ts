/**
 * What each role and key scope may do, in one table. Every server check asks `can()`, through
 * lib/auth/policy.ts for a Scope; pages only hide what the server would refuse anyway.
 */
import type { Role } from "@/lib/generated/prisma/enums";
import { type ApiScope, apiScopes } from "./api-keys";

export type Permission =
  | "members:manage" // invite, change roles
  | "keys:manage" // create and revoke API keys
  | "keys:own" // create, see and revoke one's own push keys
  | "prices:manage" // set, change and delete the team's price overrides; re-price history
  | "findings:recompute" // recompute every run's findings and context packages
  | "ownership:edit" // people, projects, rules, assignments
  | "spend:read-all" // every run, owner and identity's spend (the ownership page's queue and identities too)
  | "spend:read-team" // team aggregates (members see their own runs only, never another person's spend)
  | "ingest"
  | "outcomes:write" // mark runs accepted/rejected (members: their own runs only)
  | "settings:manage" // budgets, billing sources and seats, the GitHub webhook secret
  | "filters:manage"; // the team's saved filters (Compare workflows)

const rolePermissions: Record<Role, readonly Permission[]> = {
  ADMIN: [
    "members:manage",
    "keys:manage",
    "keys:own",
    "prices:manage",
    "findings:recompute",
    "ownership:edit",
    "spend:read-all",
    "spend:read-team",
    "ingest",
    "outcomes:write",
    "settings:manage",
    "filters:manage",
  ],
  MANAGER: ["spend:read-all", "spend:read-team", "ingest", "outcomes:write", "keys:own", "filters:manage"],
  MEMBER: ["spend:read-team", "ingest", "outcomes:write", "keys:own"],
};

const scopePermissions: Record<ApiScope, readonly Permission[]> = {
  read: ["spend:read-all", "spend:read-team"],
  // Outcomes come from the same machines that send traces (CI, hooks), so ingest keys may post them.
  ingest: ["ingest", "outcomes:write"],
  push: ["ingest"],
};

/** What only a key of every scope (`all`) may do: a key that can both send and read is the team's automation. */
const everyScopePermissions: readonly Permission[] = ["settings:manage", "filters:manage"];

export type Actor =
  | { kind: "user"; userId: string; email: string; role: Role }
  | { kind: "apiKey"; apiKeyId: string; scopes: ApiScope[] }
  /** The local command line (`trh import`): whoever can open the database may do anything. */
  | { kind: "cli"; osUser: string };

export function can(actor: Actor, permission: Permission): boolean {
  if (actor.kind === "cli") return true;
  if (actor.kind === "user") return rolePermissions[actor.role].includes(permission);
  if (everyScopePermissions.includes(permission)) return apiScopes.every((scope) => actor.scopes.includes(scope));
  return actor.scopes.some((scope) => scopePermissions[scope].includes(permission));
}
