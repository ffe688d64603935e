/**
 * The outcomes recorded in a date range, for the Outcomes page: each run's latest decision made in
 * the range, newest first, with where it came from (a GitHub pull request, by hand, the outcomes
 * API, or a commit or PR seen in the run's output), and how many decisions each source made.
 * Members see the decisions on their own runs only (visibleRunsCondition).
 */

import { visibleRunsCondition } from "@/lib/auth/policy";
import type { Scope } from "@/lib/auth/scope";
import { dayAfter, dayStart } from "@/lib/days";
import { db } from "@/lib/db/client";
import { table } from "@/lib/db/tables";
import { Prisma } from "@/lib/generated/prisma/client";
import type { DateRange } from "./params";

const r = table("Run", "r");
const u = table("User", "u");
const x = table("Outcome", "x");

export interface RecordedOutcome {
  runId: string;
  runTitle: string;
  status: string;
  /** "github" | "manual" | "api" | "tool-call" */
  source: string;
  evidence: string | null;
  /** GitHub decisions: "owner/name#number". */
  pullRequest: string | null;
  decidedAt: string;
  /** Who decided, for decisions by hand or by a signed-in user. */
  decidedBy: string | null;
  costUsd: number;
}

export interface RecordedOutcomes {
  outcomes: RecordedOutcome[];
  /** Decisions per source and status over the whole range (not only the rows shown). */
  bySource: { source: string; status: string; count: number }[];
}

const SHOWN = 200;

export async function recordedOutcomes(scope: Scope, range: DateRange): Promise<RecordedOutcomes> {
  const from = dayStart(range.from);
  const toExclusive = dayAfter(range.to);
  // The latest decision of each visible run among those made in the range (the (teamId, runId) index).
  const latestIn = (columns: Prisma.Sql) => Prisma.sql`
    SELECT DISTINCT ON (${x.runId}) ${columns}
    FROM ${x.$} JOIN ${r.$} ON ${r.teamId} = ${x.teamId} AND ${r.id} = ${x.runId}
    LEFT JOIN ${u.$} ON ${u.id} = ${x.createdById}
    WHERE ${x.teamId} = ${scope.teamId}::uuid AND ${x.decidedAt} >= ${from} AND ${x.decidedAt} < ${toExclusive}
      AND ${visibleRunsCondition(scope)}
    ORDER BY ${x.runId}, ${x.decidedAt} DESC, ${x.id} DESC`;
  const [outcomes, bySource] = await Promise.all([
    db().$queryRaw<RecordedOutcome[]>`
      SELECT * FROM (${latestIn(Prisma.sql`${x.runId}::text AS "runId", coalesce(${r.title}, ${r.externalId}) AS "runTitle",
        ${x.status}::text AS status, ${x.source}, ${x.evidence}, ${x.pullRequest},
        to_json(${x.decidedAt})#>>'{}' AS "decidedAt", ${u.email} AS "decidedBy", ${r.costUsd}::float8 AS "costUsd"`)}) latest
      ORDER BY "decidedAt" DESC, "runId" LIMIT ${SHOWN}`,
    db().$queryRaw<{ source: string; status: string; count: number }[]>`
      SELECT source, status, count(*)::int AS count
      FROM (${latestIn(Prisma.sql`${x.source}, ${x.status}::text AS status`)}) latest
      GROUP BY 1, 2 ORDER BY 1, 2`,
  ]);
  return { outcomes, bySource };
}
