/**
 * Runs started in a date range that no one has decided yet, for the Outcomes page: proposed ones
 * first (they committed or opened a pull request: a decision is due), then those with no outcome,
 * each most expensive first; and how many there are in all. Members see their own runs only.
 */
import type { Scope } from "@/lib/auth/scope";
import { db } from "@/lib/db/client";
import type { DateRange } from "./params";
import { type RunSummary, runJoins, runSummaryColumns } from "./runs-list";
import { visibleRunsCondition } from "./visible-runs";

const SHOWN = 50;

export async function runsAwaitingDecision(
  scope: Scope,
  range: DateRange,
): Promise<{ runs: RunSummary[]; proposed: number; undecided: number }> {
  const from = new Date(`${range.from}T00:00:00Z`);
  const toExclusive = new Date(`${range.to}T00:00:00Z`);
  toExclusive.setUTCDate(toExclusive.getUTCDate() + 1);
  const awaiting = db().$queryRaw<RunSummary[]>`
    SELECT ${runSummaryColumns} ${runJoins}
    WHERE ${visibleRunsCondition(scope)} AND r."startedAt" >= ${from} AND r."startedAt" < ${toExclusive}
      AND (r.outcome IS NULL OR r.outcome = 'PROPOSED')
    ORDER BY r.outcome IS NULL, r."costUsd" DESC, r.id
    LIMIT ${SHOWN}`;
  const counts = db().$queryRaw<{ proposed: number; undecided: number }[]>`
    SELECT count(*) FILTER (WHERE r.outcome = 'PROPOSED')::int AS proposed,
      count(*) FILTER (WHERE r.outcome IS NULL)::int AS undecided
    FROM "Run" r
    WHERE ${visibleRunsCondition(scope)} AND r."startedAt" >= ${from} AND r."startedAt" < ${toExclusive}`;
  const [runs, [count]] = await Promise.all([awaiting, counts]);
  return { runs, proposed: count?.proposed ?? 0, undecided: count?.undecided ?? 0 };
}
