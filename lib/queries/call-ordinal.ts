/**
 * A call's number in its run: 1..N in call order (timestamp, then id). The timeline numbers its
 * rows with it, the chart's x axis counts it, and findings cite it, so "call 12" is the same call
 * everywhere a developer reads it; the database id (64-bit, shared by every run of the team) stays
 * beside it in the API as `id`.
 */
import { Prisma } from "@/lib/generated/prisma/client";

/**
 * The ordinal of the call with id `callId` (a bigint SQL expression) in team `teamId`; null when it
 * is gone. The call is found first (one row: its id is unique, though Call's partitioned primary
 * key (teamId, id, timestamp) does not tell the planner so), then its run's earlier calls are
 * counted with its run and time as parameters: joined plainly, the planner hashed every call of
 * the team once per finding (1.2 s for the Waste page's ten at 100k calls, 12 ms each this way).
 */
export function callOrdinalSql(teamId: string, callId: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`(SELECT nullif(count(*)::int, 0)
    FROM (SELECT c0."runId", c0.timestamp, c0.id FROM "Call" c0 WHERE c0."teamId" = ${teamId}::uuid AND c0.id = ${callId} LIMIT 1) c0
    CROSS JOIN LATERAL (
      SELECT 1 FROM "Call" o
      WHERE o."teamId" = ${teamId}::uuid AND o."runId" = c0."runId" AND (o.timestamp, o.id) <= (c0.timestamp, c0.id)) o)`;
}

/** The same order as a window over one run's calls aliased `c`, for reading the whole run at once. */
export const callOrdinalWindow = Prisma.sql`row_number() OVER (ORDER BY c.timestamp, c.id)::int`;
