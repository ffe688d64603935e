/**
 * The one place where a caller becomes a Scope: a browser session (user + the team chosen in the
 * team cookie, checked against their memberships) or an API key (its team and scopes). Every
 * data access takes a Scope; there is no way to query team data without one.
 */
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { db } from "@/lib/db/client";
import { table } from "@/lib/db/tables";
import type { Role } from "@/lib/generated/prisma/enums";
import { forbidden, unauthorized } from "@/lib/http/errors";
import { isSameOriginRequest } from "@/lib/http/origin";
import { afterCommitSettled } from "@/lib/ingest/after-commit-queue";
import { type ApiScope, apiKeyMatches, apiKeyPrefix } from "./api-keys";
import { auth } from "./auth";
import { type Actor, can, type Permission } from "./permissions";

export interface Scope {
  teamId: string;
  teamSlug: string;
  teamName: string;
  actor: Actor;
}

export interface UserScope extends Scope {
  actor: Extract<Actor, { kind: "user" }>;
  /** Every team the user belongs to, for the team switcher. */
  teams: { id: string; slug: string; name: string; role: Role }[];
}

export const teamCookie = "trh-team";

/** The signed-in user's id, whether or not they belong to any team (their invitations page). */
export async function sessionUserId(): Promise<string | null> {
  return (await auth())?.user?.id ?? null;
}

/** Makes `teamId` the current team of this browser; callers check that the user belongs to it. */
export async function chooseTeam(teamId: string): Promise<void> {
  (await cookies()).set(teamCookie, teamId, {
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    secure: process.env.AUTH_URL?.startsWith("https:"),
  });
}

/** The signed-in user's scope in their chosen team, or null when signed out or in no team. */
export async function sessionScope(): Promise<UserScope | null> {
  const userId = await sessionUserId();
  if (!userId) return null;
  const memberships = await db().membership.findMany({
    where: { userId },
    include: { team: true, user: true },
    orderBy: { createdAt: "asc" },
  });
  const chosen = (await cookies()).get(teamCookie)?.value;
  const current = memberships.find((m) => m.teamId === chosen) ?? memberships[0];
  if (!current) return null;
  return {
    teamId: current.teamId,
    teamSlug: current.team.slug,
    teamName: current.team.name,
    actor: { kind: "user", userId, email: current.user.email, role: current.role },
    teams: memberships.map((m) => ({ id: m.teamId, slug: m.team.slug, name: m.team.name, role: m.role })),
  };
}

/**
 * For pages: the scope, or a redirect to sign-in (or, for a signed-in user in no team, to their
 * invitations). With `permission`, a 403 page when not allowed.
 */
export async function pageScope(permission?: Permission): Promise<UserScope> {
  const scope = await sessionScope();
  if (!scope) redirect((await sessionUserId()) ? "/invitations" : "/signin");
  if (permission && !can(scope.actor, permission)) redirect("/forbidden");
  // Read-your-writes: the findings of an upload that just answered are still being computed.
  await afterCommitSettled(scope.teamId);
  return scope;
}

/** How often a key's lastUsedAt is written (Settings shows its day). */
const LAST_USED_EVERY_MS = 60_000;
const keyLastNoted = new Map<string, number>();

const k = table("ApiKey", "k");
const t = table("Team", "t");

interface KeyCandidate {
  id: string;
  teamId: string;
  hash: string;
  scopes: string[];
  revokedAt: Date | null;
  teamSlug: string;
  teamName: string;
}

async function apiKeyScope(key: string): Promise<Scope> {
  const prefix = apiKeyPrefix(key);
  if (!prefix) throw unauthorized("the API key is malformed");
  // One statement, not Prisma's two for a relation: every API request and every OTLP body pays it
  // (bench:otlp: 0.12 ms of CPU a lookup instead of 0.35, a statement less each).
  const candidates = await db().$queryRaw<KeyCandidate[]>`
    SELECT ${k.id}::text AS id, ${k.teamId}::text AS "teamId", ${k.hash}, ${k.scopes}, ${k.revokedAt},
      ${t.slug} AS "teamSlug", ${t.name} AS "teamName"
    FROM ${k.$} JOIN ${t.$} ON ${t.id} = ${k.teamId}
    WHERE ${k.prefix} = ${prefix}`;
  const match = candidates.find((candidate) => apiKeyMatches(key, candidate.hash));
  if (!match) throw unauthorized("the API key is not valid");
  if (match.revokedAt) throw unauthorized("the API key has been revoked");
  // Not awaited on purpose: bookkeeping must not slow the request down. At most once a minute per
  // key and process: concurrent requests of one key each updating its row queue on that row's lock.
  if (Date.now() - (keyLastNoted.get(match.id) ?? 0) > LAST_USED_EVERY_MS) {
    keyLastNoted.set(match.id, Date.now());
    void db()
      .apiKey.update({ where: { teamId_id: { teamId: match.teamId, id: match.id } }, data: { lastUsedAt: new Date() } })
      .catch(() => {});
  }
  return {
    teamId: match.teamId,
    teamSlug: match.teamSlug,
    teamName: match.teamName,
    actor: { kind: "apiKey", apiKeyId: match.id, scopes: match.scopes as ApiScope[] },
  };
}

const writeMethods = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * For API routes: a Bearer key or the session, and the permission the route needs.
 * 401 when neither identifies a caller, 403 when the caller may not do this, and 403 for a write
 * with the session cookie from another origin (a cross-site request riding on the cookie).
 */
export async function requestScope(request: Request, permission: Permission): Promise<Scope> {
  const header = request.headers.get("authorization");
  let scope: Scope | null;
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
    if (!match?.[1]) throw unauthorized("the Authorization header must be `Bearer <api key>`");
    scope = await apiKeyScope(match[1]);
  } else {
    scope = await sessionScope();
    if (scope && writeMethods.has(request.method) && !isSameOriginRequest(request)) {
      throw forbidden(
        "a write signed in with the session cookie must come from this site's own pages (Origin or Referer); scripts send Authorization: Bearer <api key>",
      );
    }
  }
  if (!scope) throw unauthorized();
  if (!can(scope.actor, permission)) throw forbidden();
  // Every call but an ingest sees the findings of the team's ingests that already answered (their
  // after-commit work is queued, lib/ingest/after-commit-queue.ts); an ingest never waits for it.
  if (permission !== "ingest") await afterCommitSettled(scope.teamId);
  return scope;
}
