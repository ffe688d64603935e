/**
 * Writes each run's context package (RunContextPackage). The package is measured from the calls and
 * tool calls the findings recompute has already read (lib/waste/recompute.ts: after every ingest,
 * re-pricing, rebuild and the Waste page's recompute), in its transaction: one read of a run's
 * calls serves its findings, its cost anatomy and its package. Like findings, a package depends on
 * the data alone.
 */

import type { SqlClient } from "@/lib/db/columns";
import { jsonRows } from "@/lib/db/json-rows";
import { table } from "@/lib/db/tables";
import type { PriceOverride } from "@/lib/pricing/price-book";
import type { WasteCall, WasteToolCall } from "@/lib/waste/types";
import { measureRunPackage } from "./measure";

const RunContextPackageTable = table("RunContextPackage");
const r = table("Run", "r");

/** Replaces the packages of `runs` with those measured from their calls and tool calls. */
export async function replaceRunPackages(
  tx: SqlClient,
  teamId: string,
  runs: readonly { runId: string; calls: WasteCall[]; toolCalls: WasteToolCall[] }[],
  overrides: readonly PriceOverride[],
): Promise<void> {
  if (runs.length === 0) return;
  const rows = runs.map(({ runId, calls, toolCalls }) => {
    const measured = measureRunPackage(calls, toolCalls, overrides);
    return {
      run: runId,
      first: measured.firstCallId === null ? null : String(measured.firstCallId),
      tokens: measured.packageTokens,
      carried: measured.callsCarried,
      usd: measured.packageCostUsd.toFixed(12),
      tools: measured.tools,
      files: measured.instructionFiles,
    };
  });
  const ids = runs.map((run) => run.runId);
  await tx.$executeRaw`DELETE FROM ${RunContextPackageTable.$} WHERE ${RunContextPackageTable.teamId} = ${teamId}::uuid AND ${RunContextPackageTable.runId} = ANY(${ids}::uuid[])`;
  // The run's start day comes from Run itself; a run deleted meanwhile gets no row.
  await tx.$executeRaw`
    INSERT INTO ${RunContextPackageTable.$} (${RunContextPackageTable.teamId}, ${RunContextPackageTable.runId}, ${RunContextPackageTable.day}, ${RunContextPackageTable.firstCallId}, ${RunContextPackageTable.packageTokens}, ${RunContextPackageTable.callsCarried}, ${RunContextPackageTable.packageCostUsd}, ${RunContextPackageTable.tools}, ${RunContextPackageTable.instructionFiles})
    SELECT ${teamId}::uuid, p.run, (${r.startedAt} AT TIME ZONE 'UTC')::date, p.first, p.tokens, p.carried, p.usd, p.tools, p.files
    FROM ${jsonRows(rows, "p(run uuid, first bigint, tokens int, carried int, usd numeric, tools jsonb, files jsonb)")}
    JOIN ${r.$} ON ${r.teamId} = ${teamId}::uuid AND ${r.id} = p.run`;
}
