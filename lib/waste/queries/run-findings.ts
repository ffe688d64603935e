/** One run's findings, most wasteful first: `GET /api/v1/runs/{id}/findings` and the run page. */
import { db } from "@/lib/db/client";
import type { Scope } from "@/lib/auth/scope";
import { visibleRunsCondition } from "@/lib/queries/visible-runs";

export interface RunFinding {
  category: string;
  wastedUsd: number;
  wastedTokens: number;
  /** Call ids as strings (they are 64-bit). The first is the call to look at first. */
  callIds: string[];
  explanation: string;
}

/** null when the run does not exist in the caller's team or the caller may not see it. */
export async function runFindings(scope: Scope, runId: string): Promise<RunFinding[] | null> {
  const [run] = await db().$queryRaw<{ id: string }[]>`
    SELECT r.id::text AS id FROM "Run" r WHERE ${visibleRunsCondition(scope)} AND r.id = ${runId}::uuid`;
  if (!run) return null;
  return db().$queryRaw<RunFinding[]>`
    SELECT f.category, f."wastedUsd"::float8 AS "wastedUsd", f."wastedTokens"::float8 AS "wastedTokens",
      f."callIds"::text[] AS "callIds", f.explanation
    FROM "Finding" f
    WHERE f."teamId" = ${scope.teamId}::uuid AND f."runId" = ${runId}::uuid
    ORDER BY f."wastedUsd" DESC, f.id`;
}
