/**
 * People's activity from Claude Code analytics over a range, one row per actor, matched to a
 * person of the team by email: the person's own email, or an email identity linked to them.
 * Unmatched actors are shown as they are (an API key actor never matches a person).
 */
import type { Scope } from "@/lib/auth/scope";
import { dayStart } from "@/lib/days";
import { db } from "@/lib/db/client";
import { table } from "@/lib/db/tables";
import { Prisma } from "@/lib/generated/prisma/client";
import type { DayRange } from "./provider-pull";

const ClaudeCodeActivity = table("ClaudeCodeActivity");
const aClaudeCodeActivity = table("ClaudeCodeActivity", "a");
const i = table("Identity", "i");
const ie = table("Identity", "ie");
const o = table("Person", "o");
const p = table("Person", "p");
const pe = table("Person", "pe");

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
      SELECT ${aClaudeCodeActivity.actor}, max(${aClaudeCodeActivity.customerType}) AS "customerType", count(DISTINCT ${aClaudeCodeActivity.day}) AS days,
        sum(${aClaudeCodeActivity.sessions})::int AS sessions, sum(${aClaudeCodeActivity.linesAdded})::int AS "linesAdded", sum(${aClaudeCodeActivity.linesRemoved})::int AS "linesRemoved",
        sum(${aClaudeCodeActivity.commits})::int AS commits, sum(${aClaudeCodeActivity.pullRequests})::int AS "pullRequests", sum(${aClaudeCodeActivity.estimatedCostUsd})::text AS "estimatedCostUsd"
      FROM ${aClaudeCodeActivity.$}
      WHERE ${aClaudeCodeActivity.teamId} = ${scope.teamId}::uuid AND ${aClaudeCodeActivity.day} BETWEEN ${from}::date AND ${to}::date
      GROUP BY ${aClaudeCodeActivity.actor}
    )
    SELECT activity.*,
      (SELECT ${p.displayName} FROM ${p.$}
       WHERE ${p.teamId} = ${scope.teamId}::uuid AND (lower(${p.email}) = activity.actor OR ${p.id} IN (
         SELECT ${i.personId} FROM ${i.$} WHERE ${i.teamId} = ${scope.teamId}::uuid AND ${i.kind} = 'email' AND lower(${i.value}) = activity.actor))
       ORDER BY ${p.createdAt} LIMIT 1) AS person
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
    SELECT lower(${pe.email}) FROM ${pe.$} WHERE ${pe.teamId} = ${teamId}::uuid AND ${pe.id} = ${personId} AND ${pe.email} IS NOT NULL
    UNION SELECT lower(${ie.value}) FROM ${ie.$} WHERE ${ie.teamId} = ${teamId}::uuid AND ${ie.kind} = 'email' AND ${ie.personId} = ${personId})`;
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
    SELECT owner, sum(${ClaudeCodeActivity.linesAdded})::int AS "linesAdded", sum(${ClaudeCodeActivity.linesRemoved})::int AS "linesRemoved",
      sum(${ClaudeCodeActivity.commits})::int AS commits, sum(${ClaudeCodeActivity.pullRequests})::int AS "pullRequests"
    FROM (
      SELECT DISTINCT coalesce(${o.email}, ${o.displayName}) AS owner, ${aClaudeCodeActivity.sourceId}, ${aClaudeCodeActivity.day}, ${aClaudeCodeActivity.actor},
        ${aClaudeCodeActivity.linesAdded}, ${aClaudeCodeActivity.linesRemoved}, ${aClaudeCodeActivity.commits}, ${aClaudeCodeActivity.pullRequests}
      FROM ${o.$} JOIN ${aClaudeCodeActivity.$} ON ${aClaudeCodeActivity.teamId} = ${o.teamId} AND ${aClaudeCodeActivity.actor} IN ${personActivityEmails(scope.teamId, o.id)}
      WHERE ${o.teamId} = ${scope.teamId}::uuid AND ${aClaudeCodeActivity.day} BETWEEN ${from}::date AND ${to}::date) x
    GROUP BY owner`;
  return new Map(rows.map(({ owner, ...totals }) => [owner, totals]));
}
