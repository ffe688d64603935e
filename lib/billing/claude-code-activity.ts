/**
 * People's activity from Claude Code analytics over a range, one row per actor, matched to a
 * person of the team by email: the person's own email, or an email identity linked to them.
 * Unmatched actors are shown as they are (an API key actor never matches a person).
 */
import type { Scope } from "@/lib/auth/scope";
import { db } from "@/lib/db/client";
import { Prisma } from "@/lib/generated/prisma/client";
import { dayStart } from "@/lib/queries/params";
import type { DayRange } from "./provider-pull";

export interface PersonActivity {
  actor: string;
  /** The matched person's name, null when no person of the team has this email. */
  person: string | null;
  /** "subscription" when any day was on a subscription, else "api". */
  customerType: string;
  days: number;
  sessions: number;
  linesAdded: number;
  linesRemoved: number;
  commits: number;
  pullRequests: number;
  estimatedCostUsd: number;
}

export async function claudeCodeActivity(scope: Pick<Scope, "teamId">, range: DayRange): Promise<PersonActivity[]> {
  const from = dayStart(range.from);
  const to = dayStart(range.to);
  const rows = await db().$queryRaw<
    (Omit<PersonActivity, "estimatedCostUsd" | "days"> & { estimatedCostUsd: string; days: bigint })[]
  >`
    WITH activity AS (
      SELECT a.actor, max(a."customerType") AS "customerType", count(DISTINCT a.day) AS days,
        sum(a.sessions)::int AS sessions, sum(a."linesAdded")::int AS "linesAdded", sum(a."linesRemoved")::int AS "linesRemoved",
        sum(a.commits)::int AS commits, sum(a."pullRequests")::int AS "pullRequests", sum(a."estimatedCostUsd")::text AS "estimatedCostUsd"
      FROM "ClaudeCodeActivity" a
      WHERE a."teamId" = ${scope.teamId}::uuid AND a.day BETWEEN ${from}::date AND ${to}::date
      GROUP BY a.actor
    )
    SELECT activity.*,
      (SELECT p."displayName" FROM "Person" p
       WHERE p."teamId" = ${scope.teamId}::uuid AND (lower(p.email) = activity.actor OR p.id IN (
         SELECT i."personId" FROM "Identity" i WHERE i."teamId" = ${scope.teamId}::uuid AND i.kind = 'email' AND lower(i.value) = activity.actor))
       ORDER BY p."createdAt" LIMIT 1) AS person
    FROM activity
    ORDER BY activity."linesAdded" DESC, activity.actor`;
  // max() over 'api' | 'subscription' is 'subscription' whenever one day was.
  return rows.map((row) => ({ ...row, days: Number(row.days), estimatedCostUsd: Number(row.estimatedCostUsd) }));
}

/**
 * The emails (lowercased, as actors are stored) Claude Code analytics may name a person by: the
 * person's own and every email identity linked to them. `personId` is a SQL expression.
 */
export function personActivityEmails(teamId: string, personId: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`(
    SELECT lower(pe.email) FROM "Person" pe WHERE pe."teamId" = ${teamId}::uuid AND pe.id = ${personId} AND pe.email IS NOT NULL
    UNION SELECT lower(ie.value) FROM "Identity" ie WHERE ie."teamId" = ${teamId}::uuid AND ie.kind = 'email' AND ie."personId" = ${personId})`;
}

export interface ActivityTotals {
  linesAdded: number;
  linesRemoved: number;
  commits: number;
  pullRequests: number;
}

/**
 * Each person's Claude Code activity over a range, keyed as owners are in the spend and outcome
 * queries (their email, else their name): what a person's row shows beside their spend.
 */
export async function activityByOwner(
  scope: Pick<Scope, "teamId">,
  range: DayRange,
): Promise<Map<string, ActivityTotals>> {
  const from = dayStart(range.from);
  const to = dayStart(range.to);
  // DISTINCT: two people under one owner key (the same email) count an activity row once.
  const rows = await db().$queryRaw<({ owner: string } & ActivityTotals)[]>`
    SELECT owner, sum("linesAdded")::int AS "linesAdded", sum("linesRemoved")::int AS "linesRemoved",
      sum(commits)::int AS commits, sum("pullRequests")::int AS "pullRequests"
    FROM (
      SELECT DISTINCT coalesce(o.email, o."displayName") AS owner, a."sourceId", a.day, a.actor,
        a."linesAdded", a."linesRemoved", a.commits, a."pullRequests"
      FROM "Person" o JOIN "ClaudeCodeActivity" a ON a."teamId" = o."teamId" AND a.actor IN ${personActivityEmails(scope.teamId, Prisma.sql`o.id`)}
      WHERE o."teamId" = ${scope.teamId}::uuid AND a.day BETWEEN ${from}::date AND ${to}::date) x
    GROUP BY owner`;
  return new Map(rows.map(({ owner, ...totals }) => [owner, totals]));
}
