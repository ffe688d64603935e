/** One run's findings, most wasteful first: `GET /api/v1/runs/{id}/findings` and the run page. */

import { visibleRunsCondition } from "@/lib/auth/policy";
import type { Scope } from "@/lib/auth/scope";
import { readDb } from "@/lib/db/client";
import { table } from "@/lib/db/tables";
import { callOrdinalWindow } from "@/lib/queries/call-ordinal";
import type { WasteCategory } from "@/lib/waste/types";

const c = table("Call", "c");
const f = table("Finding", "f");
const r = table("Run", "r");

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
  const [run] = await readDb().$queryRaw<{ id: string }[]>`
    SELECT ${r.id}::text AS id FROM ${r.$} WHERE ${visibleRunsCondition(scope)} AND ${r.id} = ${runId}::uuid`;
  if (!run) return null;
  // The run's calls numbered once, and every cited call looked up in one join (not one scan of
  // the run per finding: a long run has hundreds of findings).
  return readDb().$queryRaw<RunFinding[]>`
    WITH ordered AS (
      SELECT ${c.id}, ${callOrdinalWindow} AS ordinal FROM ${c.$} WHERE ${c.teamId} = ${scope.teamId}::uuid AND ${c.runId} = ${runId}::uuid),
    findings AS (SELECT * FROM ${f.$} WHERE ${f.teamId} = ${scope.teamId}::uuid AND ${f.runId} = ${runId}::uuid),
    ordinals AS (
      SELECT ${f.id}, array_agg(o.ordinal ORDER BY cited.position) AS ordinals
      FROM findings f CROSS JOIN LATERAL unnest(${f.callIds}) WITH ORDINALITY AS cited(id, position)
      JOIN ordered o ON o.id = cited.id GROUP BY ${f.id})
    SELECT ${f.category}, ${f.wastedUsd}::float8 AS "wastedUsd", ${f.wastedTokens}::float8 AS "wastedTokens",
      ${f.callIds}::text[] AS "callIds", coalesce(n.ordinals, '{}') AS "callOrdinals", ${f.explanation}
    FROM findings f LEFT JOIN ordinals n ON n.id = ${f.id}
    ORDER BY ${f.wastedUsd} DESC, ${f.id}`;
}
