/**
 * Stores each run's context package (RunContextPackage): the ingest writer calls
 * recomputeRunPackages for the runs an upload touched, right after their findings; re-pricing
 * (lib/pricing/reprice.ts) does the same for the runs whose cost changed, and the Waste page's recompute
 * redoes a team with recomputeTeamPackages. Like findings, a package depends on the data alone.
 */

import { type BulkConnection, bulkTransaction } from "@/lib/db/bulk";
import { db } from "@/lib/db/client";
import { jsonRows } from "@/lib/db/json-rows";
import { table } from "@/lib/db/tables";
import { loadPriceOverrides } from "@/lib/pricing/overrides";
import type { PriceOverride } from "@/lib/pricing/price-book";
import { loadRunCalls } from "@/lib/waste/load-runs";
import { measureRunPackage } from "./measure";

const RunContextPackageTable = table("RunContextPackage");
const RunTable = table("Run");
const r = table("Run", "r");

/** Runs read and written at a time: bounds memory whatever the number of runs. */
const RUNS_PER_BATCH = 25;

/**
 * Runs whose raw calls the retention job removed keep the package measured while they had them all.
 * Statements go on the bulk transaction's raw connection (lib/db/bulk.ts): Prisma would compile
 * each of them anew, four per 25 runs.
 */
export async function recomputeRunPackages(teamId: string, allRunIds: readonly string[]): Promise<void> {
  if (allRunIds.length === 0) return;
  await bulkTransaction(
    async (tx, bulk) => {
      await bulk.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`context-package:${teamId}`}))`;
      const runIds = (
        await bulk.$queryRaw<{ id: string }[]>`
          SELECT ${r.id}::text FROM ${r.$}
          WHERE ${r.teamId} = ${teamId}::uuid AND ${r.id} = ANY(${[...allRunIds]}::uuid[]) AND ${r.callsRemovedBefore} IS NULL`
      ).map((row) => row.id);
      const overrides = await loadPriceOverrides(tx, teamId);
      for (let start = 0; start < runIds.length; start += RUNS_PER_BATCH) {
        const batch = runIds.slice(start, start + RUNS_PER_BATCH);
        await recomputeBatch(bulk, teamId, batch, overrides);
      }
    },
    { timeout: 600_000, maxWait: 120_000 },
  );
}

export async function recomputeTeamPackages(teamId: string): Promise<{ runs: number }> {
  const runs = await db().$queryRaw<
    { id: string }[]
  >`SELECT ${RunTable.id}::text FROM ${RunTable.$} WHERE ${RunTable.teamId} = ${teamId}::uuid ORDER BY ${RunTable.startedAt}, ${RunTable.id}`;
  for (let start = 0; start < runs.length; start += RUNS_PER_BATCH * 8) {
    await recomputeRunPackages(
      teamId,
      runs.slice(start, start + RUNS_PER_BATCH * 8).map((run) => run.id),
    );
  }
  return { runs: runs.length };
}

async function recomputeBatch(
  tx: BulkConnection,
  teamId: string,
  ids: string[],
  overrides: readonly PriceOverride[],
): Promise<void> {
  const { calls: callsOf, toolCalls: toolsOf } = await loadRunCalls(tx, teamId, ids);
  const rows = ids.map((runId) => {
    const measured = measureRunPackage(callsOf.get(runId) ?? [], toolsOf.get(runId) ?? [], overrides);
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
  await tx.$executeRaw`DELETE FROM ${RunContextPackageTable.$} WHERE ${RunContextPackageTable.teamId} = ${teamId}::uuid AND ${RunContextPackageTable.runId} = ANY(${ids}::uuid[])`;
  // The run's start day comes from Run itself; a run deleted meanwhile gets no row.
  await tx.$executeRaw`
    INSERT INTO ${RunContextPackageTable.$} (${RunContextPackageTable.teamId}, ${RunContextPackageTable.runId}, ${RunContextPackageTable.day}, ${RunContextPackageTable.firstCallId}, ${RunContextPackageTable.packageTokens}, ${RunContextPackageTable.callsCarried}, ${RunContextPackageTable.packageCostUsd}, ${RunContextPackageTable.tools}, ${RunContextPackageTable.instructionFiles})
    SELECT ${teamId}::uuid, p.run, (${r.startedAt} AT TIME ZONE 'UTC')::date, p.first, p.tokens, p.carried, p.usd, p.tools, p.files
    FROM ${jsonRows(rows, "p(run uuid, first bigint, tokens int, carried int, usd numeric, tools jsonb, files jsonb)")}
    JOIN ${r.$} ON ${r.teamId} = ${teamId}::uuid AND ${r.id} = p.run`;
}
