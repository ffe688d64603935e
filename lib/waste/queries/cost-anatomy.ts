/** Cost anatomy of one run, and summed over the runs started in a date range. */

import { visibleRunsCondition } from "@/lib/auth/policy";
import type { Scope } from "@/lib/auth/scope";
import { db } from "@/lib/db/client";
import { teamPriceOverrides } from "@/lib/pricing/overrides";
import type { DateRange } from "@/lib/queries/params";
import { dayAfter, dayStart } from "@/lib/queries/params";
import { addAnatomy, type CostAnatomy, costAnatomy, emptyAnatomy } from "../cost-anatomy";
import { loadRunInputs, type UsualGrowthCache } from "../load-runs";

/** Runs read at a time when summing a range: bounds memory. */
const RUNS_PER_BATCH = 25;

export async function runCostAnatomy(scope: Scope, runId: string): Promise<CostAnatomy | null> {
  const [visible] = await db().$queryRaw<
    { id: string }[]
  >`SELECT r.id::text AS id FROM "Run" r WHERE ${visibleRunsCondition(scope)} AND r.id = ${runId}::uuid`;
  if (!visible) return null;
  const [input] = await loadRunInputs(db(), scope.teamId, [runId], await teamPriceOverrides(db(), scope.teamId));
  return input ? costAnatomy(input) : null;
}

export interface RangeAnatomy {
  /** Every run of the team started in the range (team aggregates are open to members). */
  team: CostAnatomy;
  /** The most expensive runs the caller may open. */
  topRuns: { runId: string; run: string; anatomy: CostAnatomy }[];
}

/**
 * Reads the calls of every run in the range, RUNS_PER_BATCH runs at a time. Fine for a team's
 * month; a rollup written at recompute time is the step after this when ranges get large.
 */
export async function rangeCostAnatomy(scope: Scope, range: DateRange, topCount = 5): Promise<RangeAnatomy> {
  const from = dayStart(range.from);
  const toExclusive = dayAfter(range.to);
  const runs = await db().$queryRaw<{ id: string; run: string; visible: boolean }[]>`
    SELECT r.id::text AS id, coalesce(r.title, r."externalId") AS run, (${visibleRunsCondition(scope)}) AS visible
    FROM "Run" r WHERE r."teamId" = ${scope.teamId}::uuid AND r."startedAt" >= ${from} AND r."startedAt" < ${toExclusive}
    ORDER BY r."costUsd" DESC, r.id`;
  const overrides = await teamPriceOverrides(db(), scope.teamId);
  const top = new Set(
    runs
      .filter((run) => run.visible)
      .slice(0, topCount)
      .map((run) => run.id),
  );
  const team = emptyAnatomy();
  const topRuns: RangeAnatomy["topRuns"] = [];
  const usualGrowth: UsualGrowthCache = new Map();
  for (let start = 0; start < runs.length; start += RUNS_PER_BATCH) {
    const batch = runs.slice(start, start + RUNS_PER_BATCH);
    for (const input of await loadRunInputs(
      db(),
      scope.teamId,
      batch.map((run) => run.id),
      overrides,
      usualGrowth,
    )) {
      const anatomy = costAnatomy(input);
      addAnatomy(team, anatomy);
      if (top.has(input.runId))
        topRuns.push({ runId: input.runId, run: batch.find((run) => run.id === input.runId)!.run, anatomy });
    }
  }
  topRuns.sort((a, b) => b.anatomy.costUsd - a.anatomy.costUsd);
  return { team, topRuns };
}
