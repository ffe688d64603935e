/** Cost anatomy of one run, and summed over the runs started in a date range: both from the RunCostAnatomy rollup. */
import { visibleRunsCondition } from "@/lib/auth/policy";
import type { Scope } from "@/lib/auth/scope";
import { dayAfter, dayStart } from "@/lib/days";
import { readDb } from "@/lib/db/client";
import { recordColumns } from "@/lib/db/columns";
import { table } from "@/lib/db/tables";
import { Prisma } from "@/lib/generated/prisma/client";
import type { DateRange } from "@/lib/queries/params";
import { anatomyColumns, anatomySums, fromRow } from "@/lib/rollups/cost-anatomy";
import { type CostAnatomy, emptyAnatomy } from "../cost-anatomy";

const aRunCostAnatomy = table("RunCostAnatomy", "a");
const r = table("Run", "r");

export interface RangeAnatomy {
  /** Every run of the team started in the range (team aggregates are open to members). */
  team: CostAnatomy;
  /** The most expensive runs the caller may open. */
  topRuns: { runId: string; run: string; anatomy: CostAnatomy }[];
}

const anatomyRow = anatomyColumns.pick(
  ...(Object.keys(anatomyColumns.columns).filter((key) => key !== "runId") as Exclude<
    keyof typeof anatomyColumns.columns,
    "runId"
  >[]),
);

const topRunRow = recordColumns({ runId: "uuid", run: "text", ...anatomyRow.columns });

/** One run's stored anatomy; null when the caller may not see the run or it has no calls. */
export async function runCostAnatomy(scope: Scope, runId: string): Promise<CostAnatomy | null> {
  const [row] = await anatomyRow.read(
    readDb(),
    Prisma.sql`
      SELECT ${anatomyRow.select("a")} FROM ${r.$} JOIN ${aRunCostAnatomy.$} ON ${aRunCostAnatomy.teamId} = ${r.teamId} AND ${aRunCostAnatomy.runId} = ${r.id}
      WHERE ${visibleRunsCondition(scope)} AND ${r.id} = ${runId}::uuid`,
  );
  return row ? fromRow(row) : null;
}

/**
 * Sums the stored anatomies (RunCostAnatomy) of the runs started in the range, and reads those of
 * the most expensive runs the caller may open: two index reads, whatever the number of calls.
 */
export async function rangeCostAnatomy(scope: Scope, range: DateRange, topCount = 5): Promise<RangeAnatomy> {
  const started = Prisma.sql`${r.startedAt} >= ${dayStart(range.from)} AND ${r.startedAt} < ${dayAfter(range.to)}`;
  const [[team], top] = await Promise.all([
    anatomyRow.read(
      readDb(),
      Prisma.sql`
        SELECT ${anatomySums} FROM ${aRunCostAnatomy.$}
        JOIN ${r.$} ON ${r.teamId} = ${aRunCostAnatomy.teamId} AND ${r.id} = ${aRunCostAnatomy.runId}
        WHERE ${aRunCostAnatomy.teamId} = ${scope.teamId}::uuid AND ${started}`,
    ),
    topRunRow.read(
      readDb(),
      Prisma.sql`
        SELECT ${r.id}::text AS "runId", coalesce(${r.title}, ${r.externalId}) AS run, ${anatomyRow.select("a")}
        FROM ${r.$} JOIN ${aRunCostAnatomy.$} ON ${aRunCostAnatomy.teamId} = ${r.teamId} AND ${aRunCostAnatomy.runId} = ${r.id}
        WHERE ${visibleRunsCondition(scope)} AND ${started}
        ORDER BY ${r.costUsd} DESC, ${r.id} LIMIT ${topCount}`,
    ),
  ]);
  return {
    team: team ? fromRow(team) : emptyAnatomy(),
    topRuns: top.map(({ runId, run, ...row }) => ({ runId, run, anatomy: fromRow(row) })),
  };
}
