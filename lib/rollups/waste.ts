/**
 * The waste rollups: RunWaste (one row per run with findings: its waste counted once, its number
 * of findings) and WasteDay (findings summed per day and category). Findings are written in one
 * place (lib/waste/recompute.ts: after every ingest, re-pricing, rebuild and outcome change), and
 * each of its writes goes through replacingFindings, in its transaction, under its per-team
 * findings lock, so the rollups always describe the findings as they are. Re-attribution moves no
 * finding and neither rollup names an owner or project (the pages join Run for those); retention
 * keeps findings. The Waste page and Compare workflows read these instead of every finding of a
 * range (a quarter of a 5M-call team holds over 100,000 findings).
 */

import type { SqlClient } from "@/lib/db/columns";
import { table } from "@/lib/db/tables";
import { Prisma } from "@/lib/generated/prisma/client";

const runWaste = table("RunWaste");
const wasteDay = table("WasteDay");
const f = table("Finding", "f");
const w = table("WasteDay", "w");
const excluded = table("WasteDay", "excluded");

type Tx = Pick<SqlClient, "$executeRaw">;

/**
 * Runs `write`, which replaces findings of `runIds` (and only of those runs), with the rollups
 * kept in step: the runs' findings are taken out of WasteDay before it and added back after it,
 * and their RunWaste rows rewritten. A run's findings all carry its start day, which a later
 * upload can move earlier: the two deltas cover the old day and the new one.
 */
export async function replacingFindings(
  tx: Tx,
  teamId: string,
  runIds: readonly string[],
  write: () => Promise<void>,
): Promise<void> {
  if (runIds.length === 0) return;
  const runs = [...runIds];
  await addToWasteDays(tx, teamId, runs, -1);
  await write();
  await addToWasteDays(tx, teamId, runs, 1);
  await tx.$executeRaw`DELETE FROM ${wasteDay.$} WHERE ${wasteDay.teamId} = ${teamId}::uuid AND ${wasteDay.findings} = 0`;
  await tx.$executeRaw`DELETE FROM ${runWaste.$} WHERE ${runWaste.teamId} = ${teamId}::uuid AND ${runWaste.runId} = ANY(${runs}::uuid[])`;
  await tx.$executeRaw`
    INSERT INTO ${runWaste.$} (${runWaste.teamId}, ${runWaste.runId}, ${runWaste.day}, ${runWaste.wastedUsd}, ${runWaste.findings})
    SELECT ${f.teamId}, ${f.runId}, max(${f.day}), ${runWasteSql}, count(*)::int
    FROM ${f.$} WHERE ${f.teamId} = ${teamId}::uuid AND ${f.runId} = ANY(${runs}::uuid[])
    GROUP BY ${f.teamId}, ${f.runId}`;
}

/**
 * A run's waste counted once, over its findings `f`: the larger of its whole cost when it was
 * rejected or abandoned (the no-accepted-outcome finding) and the sum of its other findings.
 */
const runWasteSql = Prisma.sql`greatest(
  coalesce(sum(${f.wastedUsd}) FILTER (WHERE ${f.category} = 'no-accepted-outcome'), 0),
  coalesce(sum(${f.wastedUsd}) FILTER (WHERE ${f.category} <> 'no-accepted-outcome'), 0))`;

async function addToWasteDays(tx: Tx, teamId: string, runIds: string[], sign: 1 | -1): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO ${w.$} (${wasteDay.teamId}, ${wasteDay.day}, ${wasteDay.category}, ${wasteDay.wastedUsd}, ${wasteDay.findings})
    SELECT ${f.teamId}, ${f.day}, ${f.category}, ${sign}::int * sum(${f.wastedUsd}), ${sign}::int * count(*)::int
    FROM ${f.$} WHERE ${f.teamId} = ${teamId}::uuid AND ${f.runId} = ANY(${runIds}::uuid[])
    GROUP BY ${f.teamId}, ${f.day}, ${f.category}
    ON CONFLICT (${wasteDay.teamId}, ${wasteDay.day}, ${wasteDay.category}) DO UPDATE
      SET ${wasteDay.wastedUsd} = ${w.wastedUsd} + ${excluded.wastedUsd}, ${wasteDay.findings} = ${w.findings} + ${excluded.findings}`;
}
