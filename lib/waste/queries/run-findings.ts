/** One run's findings, most wasteful first: `GET /api/v1/runs/{id}/findings` and the run page. */

import { visibleRunsCondition } from "@/lib/auth/policy";
import type { Scope } from "@/lib/auth/scope";
import { db } from "@/lib/db/client";
import { callOrdinalWindow } from "@/lib/queries/call-ordinal";
import type { WasteCategory } from "@/lib/waste/types";

export interface RunFinding {
  category: WasteCategory;
  wastedUsd: number;
  wastedTokens: number;
  /** Call ids as strings (they are 64-bit). The first is the call to look at first. */
  callIds: string[];
  /** The same calls by their number in the run (1..N in call order), as the timeline numbers them. */
  callOrdinals: number[];
  explanation: string;
}

/** null when the run does not exist in the caller's team or the caller may not see it. */
export async function runFindings(scope: Scope, runId: string): Promise<RunFinding[] | null> {
  const [run] = await db().$queryRaw<{ id: string }[]>`
    SELECT r.id::text AS id FROM "Run" r WHERE ${visibleRunsCondition(scope)} AND r.id = ${runId}::uuid`;
  if (!run) return null;
  return db().$queryRaw<RunFinding[]>`
    WITH ordered AS (
      SELECT c.id, ${callOrdinalWindow} AS ordinal FROM "Call" c WHERE c."teamId" = ${scope.teamId}::uuid AND c."runId" = ${runId}::uuid)
    SELECT f.category, f."wastedUsd"::float8 AS "wastedUsd", f."wastedTokens"::float8 AS "wastedTokens",
      f."callIds"::text[] AS "callIds",
      ARRAY(SELECT o.ordinal FROM unnest(f."callIds") WITH ORDINALITY AS cited(id, position) JOIN ordered o ON o.id = cited.id ORDER BY cited.position) AS "callOrdinals",
      f.explanation
    FROM "Finding" f
    WHERE f."teamId" = ${scope.teamId}::uuid AND f."runId" = ${runId}::uuid
    ORDER BY f."wastedUsd" DESC, f.id`;
}
