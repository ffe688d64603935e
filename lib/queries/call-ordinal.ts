/**
 * A call's number in its run: 1..N in call order (timestamp, then id). The timeline numbers its
 * rows with it, the chart's x axis counts it, and findings cite it, so "call 12" is the same call
 * everywhere a developer reads it; the database id (64-bit, shared by every run of the team) stays
 * beside it in the API as `id`.
 */

import { table } from "@/lib/db/tables";
import { Prisma } from "@/lib/generated/prisma/client";

const c0 = table("Call", "c0");
const o = table("Call", "o");

/** The ordinal of the call with id `callId` (a bigint SQL expression) in team `teamId`; null when it is gone. */
export function callOrdinalSql(teamId: string, callId: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`(SELECT nullif(count(*)::int, 0) FROM ${c0.$} JOIN ${o.$} ON ${o.teamId} = ${c0.teamId} AND ${o.runId} = ${c0.runId} AND (${o.timestamp}, ${o.id}) <= (${c0.timestamp}, ${c0.id})
    WHERE ${c0.teamId} = ${teamId}::uuid AND ${c0.id} = ${callId})`;
}

/** The same order as a window over one run's calls aliased `c`, for reading the whole run at once. */
export const callOrdinalWindow = Prisma.sql`row_number() OVER (ORDER BY c.timestamp, c.id)::int`;
