/**
 * Stores findings, and with them the cost anatomy and context package of each run (all three from
 * one read of its calls): the ingest writer calls recomputeRunFindings for the runs each upload touched;
 * recomputeTeamFindings redoes a whole team (the Waste page; a price change redoes only its runs,
 * lib/pricing/reprice.ts); a changed outcome only refreshes
 * the outcome finding of its runs (refreshOutcomeFindings), so marking a run never moves its other
 * findings. Findings depend on the data alone, never on when they were computed.
 */

import { replaceRunPackages } from "@/lib/context-package/recompute";
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

/**
 * Runs read and written at a time: runs until their calls reach CALLS_PER_GROUP (one read of their
 * calls and tool calls, a handful of statements for the group), at most RUNS_PER_GROUP. Bounds
 * memory whatever the number or size of the runs; an import's hundreds of small runs take a few
 * groups, not one per 25 runs. 20,000 calls made this read the peak of `trh import` (its heap
 * grew to ~150 MB); 5,000 lowered that peak by ~15-20 MB for a few more statements (bench/README.md).
 */
const CALLS_PER_GROUP = 5_000;
const RUNS_PER_GROUP = 1000;
/** Runs per transaction of a whole team's recompute, so progress is kept if it stops half way. */
const TEAM_RUNS_PER_TRANSACTION = 1000;

/**
 * Deletes and rewrites what is derived from the calls of `runIds`: their findings, with the waste
 * rollups (lib/rollups/waste.ts), their cost anatomy (RunCostAnatomy) and their context package
 * (RunContextPackage), in one transaction, from one read of each group's calls and tool calls. A
 * finding's day is its run's start day (UTC), so all of a run's findings fall in the same date
 * range as the run does in the runs list. Runs whose raw calls the retention job removed keep the
 * findings, anatomy and package computed while they had them all. Statements go on the bulk
 * transaction's raw connection (lib/db/bulk.ts): Prisma would compile each anew.
 */
export async function recomputeRunFindings(teamId: string, allRunIds: string[]): Promise<{ findings: number }> {
  if (allRunIds.length === 0) return { findings: 0 };
  let findings = 0;
  await bulkTransaction(
    async (_tx, bulk) => {
      // Two uploads touching the same run must not interleave their delete and insert.
      await lockTeamFindings(bulk, teamId);
      const runs = await withAllCalls(bulk, teamId, allRunIds);
      const overrides = await loadPriceOverrides(bulk, teamId);
      const usualGrowth: UsualGrowthCache = new Map();
      for (const group of groupsOf(runs)) {
        const inputs = await loadRunInputs(bulk, teamId, group, overrides, usualGrowth);
        const rows = inputs.flatMap((input) =>
          detectRunWaste(input).map((finding) => ({ runId: input.runId, ...finding })),
        );
        await replacingFindings(bulk, teamId, group, async () => {
          await bulk.$executeRaw`DELETE FROM ${Finding.$} WHERE ${Finding.teamId} = ${teamId}::uuid AND ${Finding.runId} = ANY(${group}::uuid[])`;
          await insertFindings(bulk, teamId, rows);
        });
        await replaceRunAnatomies(
          bulk,
          teamId,
          group,
          inputs.map((input) => ({ runId: input.runId, anatomy: costAnatomy(input) })),
        );
        await replaceRunPackages(bulk, teamId, inputs, overrides);
        findings += rows.length;
      }
    },
    { timeout: 600_000, maxWait: 120_000 },
  );
  return { findings };
}

/** Run ids in groups of at most CALLS_PER_GROUP calls (a bigger run alone) and RUNS_PER_GROUP runs. */
function groupsOf(runs: { id: string; calls: number }[]): string[][] {
  const groups: string[][] = [];
  let group: string[] = [];
  let calls = 0;
  for (const run of runs) {
    if (group.length > 0 && (calls + run.calls > CALLS_PER_GROUP || group.length === RUNS_PER_GROUP)) {
      groups.push(group);
      group = [];
      calls = 0;
    }
    group.push(run.id);
    calls += run.calls;
  }
  if (group.length > 0) groups.push(group);
  return groups;
}

/** Every run of the team, one transaction per TEAM_RUNS_PER_TRANSACTION runs. */
export async function recomputeTeamFindings(
  teamId: string,
  onProgress?: (progress: { done: number; total: number }) => void,
): Promise<{ runs: number; findings: number }> {
  const runs = await db().$queryRaw<
    { id: string }[]
  >`SELECT ${Run.id}::text FROM ${Run.$} WHERE ${Run.teamId} = ${teamId}::uuid ORDER BY ${Run.startedAt}, ${Run.id}`;
  let findings = 0;
  for (let start = 0; start < runs.length; start += TEAM_RUNS_PER_TRANSACTION) {
    const batch = runs.slice(start, start + TEAM_RUNS_PER_TRANSACTION).map((run) => run.id);
    findings += (await recomputeRunFindings(teamId, batch)).findings;
    onProgress?.({ done: Math.min(start + batch.length, runs.length), total: runs.length });
  }
  return { runs: runs.length, findings };
}

/** Runs per group of an outcome refresh, which reads their calls for one finding. */
const RUNS_PER_OUTCOME_REFRESH = 25;

/**
 * After runs' outcomes changed: replaces their outcome finding (no-accepted-outcome) and nothing
 * else, so a decision moves exactly the run's whole-cost finding in or out of waste.
 */
export async function refreshOutcomeFindings(teamId: string, runIds: string[]): Promise<void> {
  if (runIds.length === 0) return;
  await db().$transaction(
    async (tx) => {
      await lockTeamFindings(tx, teamId);
      for (let start = 0; start < runIds.length; start += RUNS_PER_OUTCOME_REFRESH) {
        const batch = runIds.slice(start, start + RUNS_PER_OUTCOME_REFRESH);
        const kept = new Set((await withAllCalls(tx, teamId, batch)).map((run) => run.id));
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

/** The runs of `runIds` that still have every call (the retention job removed none of theirs), with their number of calls. */
async function withAllCalls(tx: SqlClient, teamId: string, runIds: string[]): Promise<{ id: string; calls: number }[]> {
  return tx.$queryRaw<{ id: string; calls: number }[]>`
    SELECT ${r.id}::text, ${r.calls} FROM ${r.$}
    WHERE ${r.teamId} = ${teamId}::uuid AND ${r.id} = ANY(${runIds}::uuid[]) AND ${r.callsRemovedBefore} IS NULL`;
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
