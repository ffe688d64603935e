/**
 * Stores findings: the ingest writer calls recomputeRunFindings for the runs each upload touched;
 * recomputeTeamFindings redoes a whole team (the Waste page; a price change redoes only its runs,
 * lib/pricing/reprice.ts); a changed outcome only refreshes
 * the outcome finding of its runs (refreshOutcomeFindings), so marking a run never moves its other
 * findings. Findings depend on the data alone, never on when they were computed.
 */

import { bulkTransaction } from "@/lib/db/bulk";
import { db } from "@/lib/db/client";
import type { SqlClient } from "@/lib/db/columns";
import { jsonRows } from "@/lib/db/json-rows";
import { table } from "@/lib/db/tables";
import { loadPriceOverrides } from "@/lib/pricing/overrides";
import { replaceRunAnatomies } from "@/lib/rollups/cost-anatomy";
import { replacingFindings } from "@/lib/rollups/waste";
import { costAnatomy } from "./cost-anatomy";
import { detectRunWaste, keepWorthShowing } from "./detect-run-waste";
import { loadRunInputs, type UsualGrowthCache } from "./load-runs";
import { detectNoAcceptedOutcome, wholeCostFinding } from "./no-accepted-outcome";
import type { WasteFinding } from "./types";

const Finding = table("Finding");
const Run = table("Run");
const r = table("Run", "r");

/** Runs read and written at a time: bounds memory whatever the number of runs. */
const RUNS_PER_BATCH = 25;

/**
 * Deletes and rewrites the findings of `runIds`, with the waste rollups (lib/rollups/waste.ts), and
 * their cost anatomy (RunCostAnatomy, from the same calls), in one transaction, reading and writing RUNS_PER_BATCH runs at a time. A finding's
 * day is its run's start day (UTC), so all of a run's findings fall in the same date range as the
 * run does in the runs list. Runs whose raw calls the retention job removed keep the findings and
 * anatomy computed while they had them all. Statements go on the bulk transaction's raw connection
 * (lib/db/bulk.ts): Prisma would compile each anew, eight per 25 runs.
 */
export async function recomputeRunFindings(teamId: string, allRunIds: string[]): Promise<{ findings: number }> {
  let findings = 0;
  await bulkTransaction(
    async (tx, bulk) => {
      // Two uploads touching the same run must not interleave their delete and insert.
      await lockTeamFindings(bulk, teamId);
      const runIds = await withAllCalls(bulk, teamId, allRunIds);
      const overrides = await loadPriceOverrides(tx, teamId);
      const usualGrowth: UsualGrowthCache = new Map();
      for (let start = 0; start < runIds.length; start += RUNS_PER_BATCH) {
        const batch = runIds.slice(start, start + RUNS_PER_BATCH);
        const inputs = await loadRunInputs(bulk, teamId, batch, overrides, usualGrowth);
        const rows = inputs.flatMap((input) =>
          detectRunWaste(input).map((finding) => ({ runId: input.runId, ...finding })),
        );
        await replacingFindings(bulk, teamId, batch, async () => {
          await bulk.$executeRaw`DELETE FROM ${Finding.$} WHERE ${Finding.teamId} = ${teamId}::uuid AND ${Finding.runId} = ANY(${batch}::uuid[])`;
          await insertFindings(bulk, teamId, rows);
        });
        await replaceRunAnatomies(
          bulk,
          teamId,
          batch,
          inputs.map((input) => ({ runId: input.runId, anatomy: costAnatomy(input) })),
        );
        findings += rows.length;
      }
    },
    { timeout: 600_000, maxWait: 120_000 },
  );
  return { findings };
}

/** Every run of the team, one transaction per batch so progress is kept if it stops half way. */
export async function recomputeTeamFindings(
  teamId: string,
  onProgress?: (progress: { done: number; total: number }) => void,
): Promise<{ runs: number; findings: number }> {
  const runs = await db().$queryRaw<
    { id: string }[]
  >`SELECT ${Run.id}::text FROM ${Run.$} WHERE ${Run.teamId} = ${teamId}::uuid ORDER BY ${Run.startedAt}, ${Run.id}`;
  let findings = 0;
  for (let start = 0; start < runs.length; start += RUNS_PER_BATCH * 8) {
    const batch = runs.slice(start, start + RUNS_PER_BATCH * 8).map((run) => run.id);
    findings += (await recomputeRunFindings(teamId, batch)).findings;
    onProgress?.({ done: Math.min(start + batch.length, runs.length), total: runs.length });
  }
  return { runs: runs.length, findings };
}

/**
 * After runs' outcomes changed: replaces their outcome finding (no-accepted-outcome) and nothing
 * else, so a decision moves exactly the run's whole-cost finding in or out of waste.
 */
export async function refreshOutcomeFindings(teamId: string, runIds: string[]): Promise<void> {
  if (runIds.length === 0) return;
  await db().$transaction(
    async (tx) => {
      await lockTeamFindings(tx, teamId);
      for (let start = 0; start < runIds.length; start += RUNS_PER_BATCH) {
        const batch = runIds.slice(start, start + RUNS_PER_BATCH);
        const kept = new Set(await withAllCalls(tx, teamId, batch));
        const inputs = await loadRunInputs(tx, teamId, [...kept], []);
        const fromCalls = inputs.flatMap((input) =>
          keepWorthShowing(detectNoAcceptedOutcome(input)).map((finding) => ({ runId: input.runId, ...finding })),
        );
        const fromTotals = (await removedCallsTotals(tx, teamId, batch)).flatMap((run) =>
          keepWorthShowing(
            wholeCostFinding(run.outcome, { calls: run.calls, tokens: run.tokens, costUsd: run.costUsd, callIds: [] }),
          ).map((finding) => ({ runId: run.id, ...finding })),
        );
        const rows = [...fromCalls, ...fromTotals];
        await replacingFindings(tx, teamId, batch, async () => {
          await tx.$executeRaw`DELETE FROM ${Finding.$} WHERE ${Finding.teamId} = ${teamId}::uuid AND ${Finding.runId} = ANY(${batch}::uuid[]) AND ${Finding.category} = 'no-accepted-outcome'`;
          await insertFindings(tx, teamId, rows);
        });
      }
    },
    { timeout: 600_000, maxWait: 120_000 },
  );
}

/** The runs of `runIds` that still have every call (the retention job removed none of theirs). */
async function withAllCalls(tx: SqlClient, teamId: string, runIds: string[]): Promise<string[]> {
  const rows = await tx.$queryRaw<{ id: string }[]>`
    SELECT ${r.id}::text FROM ${r.$}
    WHERE ${r.teamId} = ${teamId}::uuid AND ${r.id} = ANY(${runIds}::uuid[]) AND ${r.callsRemovedBefore} IS NULL`;
  return rows.map((row) => row.id);
}

/** The totals of those runs of `runIds` whose calls the retention job removed (all or some). */
async function removedCallsTotals(tx: SqlClient, teamId: string, runIds: string[]) {
  return tx.$queryRaw<{ id: string; outcome: string | null; calls: number; tokens: number; costUsd: number }[]>`
    SELECT ${r.id}::text, ${r.outcome}::text, ${r.calls},
      (${r.inputTokens} + ${r.outputTokens} + ${r.cacheWriteTokens} + ${r.cacheReadTokens})::float8 AS tokens,
      ${r.costUsd}::float8 AS "costUsd"
    FROM ${r.$}
    WHERE ${r.teamId} = ${teamId}::uuid AND ${r.id} = ANY(${runIds}::uuid[]) AND ${r.callsRemovedBefore} IS NOT NULL`;
}

/** Two writers touching the same runs' findings must not interleave their delete and insert. */
async function lockTeamFindings(tx: SqlClient, teamId: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`findings:${teamId}`}))`;
}

/** A finding's day is its run's start day (UTC). */
async function insertFindings(
  tx: SqlClient,
  teamId: string,
  rows: (WasteFinding & { runId: string })[],
): Promise<void> {
  if (rows.length === 0) return;
  await tx.$executeRaw`
    INSERT INTO ${Finding.$} (${Finding.teamId}, ${Finding.runId}, ${Finding.category}, ${Finding.wastedTokens}, ${Finding.wastedUsd}, ${Finding.callIds}, ${Finding.explanation}, ${Finding.day})
    SELECT ${teamId}::uuid, f.run, f.category, f.tokens, f.usd, string_to_array(f.calls, ',')::bigint[], f.explanation,
      (${r.startedAt} AT TIME ZONE 'UTC')::date
    FROM ${jsonRows(
      rows.map((r) => ({
        run: r.runId,
        category: r.category,
        tokens: Math.round(r.wastedTokens),
        usd: r.wastedUsd.toFixed(12),
        calls: r.callIds.join(","),
        explanation: r.explanation,
      })),
      "f(run uuid, category text, tokens bigint, usd numeric, calls text, explanation text)",
    )}
    JOIN ${r.$} ON ${r.teamId} = ${teamId}::uuid AND ${r.id} = f.run`;
}
