/**
 * Re-pricing history after a price changed: every stored call of the changed model pattern and
 * period is priced again with the team's current overrides (the same priceCall the ingest writer
 * uses), in batches of at most `batchCalls` calls, each batch one transaction under the team's
 * write lock: its calls, and the rollups of the (run, day)s they fall on summed again from the calls
 * (lib/rollups/spend.ts rebuildRunDays, the rollup backfill's way too), change together, so no
 * page ever sees half a batch. The
 * findings and context packages of the runs whose cost changed follow, and budgets are evaluated.
 * A call whose price did not change is not written: running it again changes nothing.
 *
 * It runs as a Job row (kind "reprice") whose done/total (calls) the Prices page shows; it runs
 * in the server process after the request returns, renewing the row's heartbeat as it goes. A job
 * whose process stopped shows as interrupted; "Re-price all history" finishes it (idempotent).
 */
import { evaluateBudgetsAfterIngest } from "@/lib/budgets/evaluate";
import { dayOf } from "@/lib/days";
import { db } from "@/lib/db/client";
import { databaseKind } from "@/lib/db/config";
import { STALE_WORK_AFTER_MS } from "@/lib/db/stale-work";
import { table } from "@/lib/db/tables";
import { lockTeamWrites } from "@/lib/db/team-lock";
import { Prisma } from "@/lib/generated/prisma/client";
import { type RunDay, rebuildRunDays } from "@/lib/rollups/spend";
import { type CallRange, callsToPrice, type NewCallPrice, setCallPrices } from "@/lib/store/calls";
import { recomputeRunFindings } from "@/lib/waste/recompute";
import { loadPriceOverrides } from "./overrides";
import { priceCall } from "./price-book";

const sRunDaySpend = table("RunDaySpend", "s");

/** A model pattern and period whose calls must be priced again. */
export type RepriceTarget = CallRange;

export const REPRICE_JOB_KIND = "reprice";

/** Calls per transaction, as in the ingest writer: the embedded database is one connection for every request. */
const defaultBatchCalls = () => (databaseKind() === "embedded" ? 500 : 2000);
/** Runs whose findings and context packages are redone per transaction. */
const RUNS_PER_RECOMPUTE = 200;

export interface RepriceJobStatus {
  id: string;
  /** "running", "done", "failed", or "interrupted": running but not heard from for STALE_WORK_AFTER_MS (its process stopped). */
  status: string;
  done: number;
  total: number;
  error: string | null;
  createdAt: Date;
  finishedAt: Date | null;
}

const jobFields = {
  id: true,
  status: true,
  done: true,
  total: true,
  error: true,
  createdAt: true,
  finishedAt: true,
} as const;

export async function latestRepriceJob(teamId: string): Promise<RepriceJobStatus | null> {
  const job = await db().job.findFirst({
    where: { teamId, kind: REPRICE_JOB_KIND },
    orderBy: { createdAt: "desc" },
    select: { ...jobFields, heartbeatAt: true },
  });
  if (job === null) return null;
  const { heartbeatAt, ...status } = job;
  const stale = status.status === "running" && Date.now() - heartbeatAt.getTime() > STALE_WORK_AFTER_MS;
  return stale ? { ...status, status: "interrupted" } : status;
}

/** Money as whole 1e-12 USD (numeric(24,12) as text), so a price compares exactly. */
const units = (money: string) => {
  const [whole, fraction = ""] = money.split(".");
  const negative = whole!.startsWith("-");
  const value = BigInt(`${whole!.replace("-", "")}${fraction.padEnd(12, "0").slice(0, 12)}`);
  return negative ? -value : value;
};

export interface RepriceResult {
  /** Calls read (priced again). */
  calls: number;
  /** Calls whose price changed and was written. */
  changed: number;
  /** Batches (transactions) it took. */
  batches: number;
  /** Runs whose cost changed. */
  runIds: string[];
}

/**
 * Re-prices the calls of `targets` (a call in two targets is read twice and written at most once).
 * `onProgress` hears after each committed batch.
 */
export async function repriceCalls(
  teamId: string,
  targets: readonly RepriceTarget[],
  options: { batchCalls?: number; onProgress?: (done: number) => void } = {},
): Promise<RepriceResult> {
  const batchCalls = options.batchCalls ?? defaultBatchCalls();
  const result: RepriceResult = { calls: 0, changed: 0, batches: 0, runIds: [] };
  const runs = new Set<string>();
  for (const target of targets) {
    let after: { timestamp: Date; id: string } | null = null;
    for (;;) {
      const read: number = await db().$transaction(
        async (tx) => {
          // The ingest writer's lock: a chunk being written and a batch being re-priced never interleave.
          await lockTeamWrites(tx, teamId);
          const overrides = await loadPriceOverrides(tx, teamId);
          const calls = await callsToPrice(tx, teamId, target, after, batchCalls);
          const prices: NewCallPrice[] = [];
          const runDays = new Map<string, RunDay>();
          for (const call of calls) {
            const price = priceCall({ ...call, speed: call.speed === "fast" ? "fast" : "standard" }, overrides);
            const costUsd = price.costUsd.toFixed(12);
            if (
              units(costUsd) === units(call.costUsd) &&
              price.priced === call.priced &&
              price.rule === call.priceRule &&
              price.tier === call.priceTier
            )
              continue;
            prices.push({
              id: call.id,
              timestamp: call.timestamp,
              costUsd,
              priced: price.priced,
              priceRule: price.rule,
              priceTier: price.tier,
            });
            const day = dayOf(call.timestamp);
            runDays.set(`${call.runId}\u0000${day}`, { runId: call.runId, day });
            runs.add(call.runId);
          }
          await setCallPrices(tx, teamId, prices);
          // The rollups of the (run, day)s whose calls changed, summed again from the calls.
          await rebuildRunDays(tx, teamId, [...runDays.values()]);
          const last = calls.at(-1);
          if (last) after = { timestamp: last.timestamp, id: last.id };
          result.changed += prices.length;
          return calls.length;
        },
        { timeout: 600_000, maxWait: 120_000 },
      );
      if (read === 0) break;
      result.calls += read;
      result.batches += 1;
      options.onProgress?.(result.calls);
      if (read < batchCalls) break;
    }
  }
  result.runIds = [...runs];
  return result;
}

/** What the findings and context packages of re-priced runs, and the budgets, need after the calls. */
async function afterRepricing(teamId: string, runIds: string[], heartbeat: () => void): Promise<void> {
  for (let start = 0; start < runIds.length; start += RUNS_PER_RECOMPUTE) {
    const batch = runIds.slice(start, start + RUNS_PER_RECOMPUTE);
    await recomputeRunFindings(teamId, batch);
    heartbeat();
  }
  if (runIds.length > 0) await evaluateBudgetsAfterIngest(teamId);
}

/** How many calls the targets cover, from RunDaySpend (periods start and end on whole UTC days). */
async function callsCovered(teamId: string, targets: readonly RepriceTarget[]): Promise<number> {
  let total = 0;
  for (const target of targets) {
    const model =
      target.model === "*"
        ? Prisma.sql`true`
        : target.model.endsWith("*")
          ? Prisma.sql`starts_with(${sRunDaySpend.model}, ${target.model.slice(0, -1)})`
          : Prisma.sql`${sRunDaySpend.model} = ${target.model}`;
    const [row] = await db().$queryRaw<{ calls: number }[]>`
      SELECT coalesce(sum(${sRunDaySpend.calls}), 0)::int AS calls FROM ${sRunDaySpend.$}
      WHERE ${sRunDaySpend.teamId} = ${teamId}::uuid AND ${sRunDaySpend.day} >= ${target.from}::date
        ${target.until === null ? Prisma.empty : Prisma.sql`AND ${sRunDaySpend.day} < ${target.until}::date`} AND ${model}`;
    total += row?.calls ?? 0;
  }
  return total;
}

/**
 * Records a re-pricing job and starts it in the background; `repriced` settles when it has
 * finished (done or failed, as the job row then says).
 */
export async function startRepriceJob(
  teamId: string,
  targets: readonly RepriceTarget[],
  options: { batchCalls?: number } = {},
): Promise<{ job: RepriceJobStatus; repriced: Promise<void> }> {
  const total = await callsCovered(teamId, targets);
  const job = await db().job.create({
    data: {
      teamId,
      kind: REPRICE_JOB_KIND,
      status: "running",
      total,
      params: {
        targets: targets.map((t) => ({
          model: t.model,
          from: t.from.toISOString(),
          until: t.until?.toISOString() ?? null,
        })),
      },
    },
    select: jobFields,
  });
  const where = { teamId_id: { teamId, id: job.id } };
  const report = (data: { done?: number; total?: number }) => {
    void db()
      .job.update({ where, data: { ...data, heartbeatAt: new Date() } })
      .catch(() => {});
  };
  const repriced = repriceCalls(teamId, targets, {
    batchCalls: options.batchCalls,
    onProgress: (done) => report({ done, total: Math.max(total, done) }),
  })
    .then(async ({ calls, runIds }) => {
      await afterRepricing(teamId, runIds, () => report({}));
      await db().job.update({
        where,
        data: { status: "done", done: calls, total: calls, finishedAt: new Date() },
      });
    })
    .catch(async (error: unknown) => {
      await db()
        .job.update({
          where,
          data: {
            status: "failed",
            error: String((error as Error)?.message ?? error).slice(0, 500),
            finishedAt: new Date(),
          },
        })
        .catch(() => {});
    });
  return { job, repriced };
}
