/** The most expensive findings of a date range, on runs the caller may open. */

import { visibleRunsCondition } from "@/lib/auth/policy";
import type { Scope } from "@/lib/auth/scope";
import { dayStart } from "@/lib/days";
import { readDb } from "@/lib/db/client";
import { table } from "@/lib/db/tables";
import { Prisma } from "@/lib/generated/prisma/client";
import { callOrdinalSql } from "@/lib/queries/call-ordinal";
import type { DateRange } from "@/lib/queries/params";
import type { WasteCategory } from "@/lib/waste/types";

const f = table("Finding", "f");
const r = table("Run", "r");

export interface TopFinding {
  id: string;
  runId: string;
  run: string;
  day: string;
  category: WasteCategory;
  wastedUsd: number;
  explanation: string;
  /** The call to look at first. */
  firstCallId: string;
  /** Its number in the run (1..N in call order), what the run page's timeline rows are anchored by; null when the call is gone. */
  firstCallOrdinal: number | null;
}

export async function topFindings(scope: Scope, range: DateRange, limit = 10): Promise<TopFinding[]> {
  // The range's top findings are among each day's top `limit`: those are read day by day from the
  // (teamId, day, wastedUsd DESC, id) index, not every finding of the range sorted.
  return readDb().$queryRaw<TopFinding[]>`
    SELECT ${f.id}::text AS id, ${f.runId}::text AS "runId", f.run, to_char(${f.day}, 'YYYY-MM-DD') AS day, ${f.category},
      ${f.wastedUsd}::float8 AS "wastedUsd", ${f.explanation}, ${f.callIds}[1]::text AS "firstCallId",
      ${callOrdinalSql(scope.teamId, Prisma.sql`${f.callIds}[1]`)} AS "firstCallOrdinal"
    FROM generate_series(${dayStart(range.from)}::date, ${dayStart(range.to)}::date, interval '1 day') d(day)
    CROSS JOIN LATERAL (
      SELECT f.*, coalesce(${r.title}, ${r.externalId}) AS run
      FROM ${f.$} JOIN ${r.$} ON ${r.teamId} = ${f.teamId} AND ${r.id} = ${f.runId}
      WHERE ${f.teamId} = ${scope.teamId}::uuid AND ${visibleRunsCondition(scope)} AND ${f.day} = d.day::date
      ORDER BY ${f.wastedUsd} DESC, ${f.id}
      LIMIT ${limit}) f
    ORDER BY ${f.wastedUsd} DESC, ${f.id}
    LIMIT ${limit}`;
}
