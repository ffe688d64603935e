/**
 * The median and 90th-percentile context size by call index over a project's recent runs: what a
 * "normal" run of the project looks like, to set one run's context growth against.
 */

import type { Scope } from "@/lib/auth/scope";
import { readDb } from "@/lib/db/client";
import { table } from "@/lib/db/tables";
import { Prisma } from "@/lib/generated/prisma/client";

const c = table("Call", "c");
const r = table("Run", "r");

/** Runs and calls per run the curve reads: bounded so the drill-down stays fast on any history. */
export const CURVE_RUNS = 100;
export const CURVE_CALLS = 200;

export interface ContextCurvePoint {
  /** 1-based position of the call in its run. */
  index: number;
  medianContextTokens: number;
  p90ContextTokens: number;
  /** How many runs reached this call. */
  runs: number;
}

/** `projectId` null: the team's runs without a project. */
export async function projectContextCurve(scope: Scope, projectId: string | null): Promise<ContextCurvePoint[]> {
  const project =
    projectId === null ? Prisma.sql`${r.projectId} IS NULL` : Prisma.sql`${r.projectId} = ${projectId}::uuid`;
  return readDb().$queryRaw<ContextCurvePoint[]>`
    WITH recent AS (
      SELECT ${r.id} FROM ${r.$} WHERE ${r.teamId} = ${scope.teamId}::uuid AND ${project}
      ORDER BY ${r.startedAt} DESC LIMIT ${CURVE_RUNS}
    )
    SELECT c.idx::int AS index,
      percentile_cont(0.5) WITHIN GROUP (ORDER BY ${c.contextTokens})::float8 AS "medianContextTokens",
      percentile_cont(0.9) WITHIN GROUP (ORDER BY ${c.contextTokens})::float8 AS "p90ContextTokens",
      count(*)::int AS runs
    FROM recent JOIN LATERAL (
      SELECT ${c.contextTokens}, row_number() OVER (ORDER BY ${c.timestamp}, ${c.id}) AS idx
      FROM ${c.$} WHERE ${c.teamId} = ${scope.teamId}::uuid AND ${c.runId} = recent.id
      ORDER BY ${c.timestamp}, ${c.id} LIMIT ${CURVE_CALLS}
    ) c ON true
    GROUP BY c.idx ORDER BY c.idx`;
}
