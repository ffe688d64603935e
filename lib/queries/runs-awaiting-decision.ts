/**
 * Runs started in a date range that no one has decided yet, for the Outcomes page: proposed ones
 * first (they committed or opened a pull request: a decision is due), then those with no outcome,
 * each most expensive first; and how many there are in all. Members see their own runs only.
 */
import type { Scope } from "@/lib/auth/scope";
import { dayAfter, dayStart } from "@/lib/days";
import { db } from "@/lib/db/client";
import { recordColumns } from "@/lib/db/columns";
import { table } from "@/lib/db/tables";
import { Prisma } from "@/lib/generated/prisma/client";
import type { DateRange } from "./params";
import { type RunSummary, runSummaryColumns, visibleRunsSource } from "./runs-list";

const r = table("Run", "r");

const SHOWN = 50;
const countColumns = recordColumns({ proposed: "int", undecided: "int" });

export async function runsAwaitingDecision(
  scope: Scope,
  range: DateRange,
): Promise<{ runs: RunSummary[]; proposed: number; undecided: number }> {
  const inRange = Prisma.sql`AND ${r.startedAt} >= ${dayStart(range.from)} AND ${r.startedAt} < ${dayAfter(range.to)}`;
  const awaiting = db().$queryRaw<RunSummary[]>`
    SELECT ${runSummaryColumns} ${visibleRunsSource(scope)} ${inRange}
      AND (${r.outcome} IS NULL OR ${r.outcome} = 'PROPOSED')
    ORDER BY ${r.outcome} IS NULL, ${r.costUsd} DESC, ${r.id}
    LIMIT ${SHOWN}`;
  const counts = countColumns.read(
    db(),
    Prisma.sql`
    SELECT count(*) FILTER (WHERE ${r.outcome} = 'PROPOSED')::int AS proposed,
      count(*) FILTER (WHERE ${r.outcome} IS NULL)::int AS undecided
    ${visibleRunsSource(scope)} ${inRange}`,
  );
  const [runs, [count]] = await Promise.all([awaiting, counts]);
  return { runs, proposed: count?.proposed ?? 0, undecided: count?.undecided ?? 0 };
}
