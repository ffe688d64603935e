/**
 * Wasted dollars of a date range by category, owner, project or run, with the range's spend:
 * `GET /api/v1/waste` and the Waste page. A finding's day is its run's start day.
 *
 * Waste counts evidence only: the detectors' findings, and the whole cost of runs explicitly
 * marked rejected or abandoned (the no-accepted-outcome finding). Such a run's whole cost already
 * contains its other findings, so by owner, project and run (and in totals.wastedUsd) each run
 * counts once: the larger of its whole cost and its other findings. So taking a run's rejection
 * back (marking it accepted) can only lower the total. By category each category is its own sum,
 * so those rows add up to more than the total when such runs also have other findings.
 *
 * Spend that bought nothing accepted is not waste (most of it is simply not decided yet): it is
 * totals.unacceptedSpendUsd, the outcomes panel's "not accepted" figure for the same range.
 */
import { z } from "zod";
import { assertMayBreakDown } from "@/lib/auth/policy";
import type { Scope } from "@/lib/auth/scope";
import { dayStart } from "@/lib/days";
import { readDb } from "@/lib/db/client";
import { table } from "@/lib/db/tables";
import { Prisma } from "@/lib/generated/prisma/client";
import { costPerOutcome } from "@/lib/queries/cost-per-outcome";
import { dateRangeSchema } from "@/lib/queries/params";
import { unallocatedKey } from "@/lib/queries/spend-by-group";

const d = table("DailySpend", "d");
const o = table("Person", "o");
const p = table("Project", "p");
const r = table("Run", "r");
const wRunWaste = table("RunWaste", "w");
const wWasteDay = table("WasteDay", "w");

export const wasteGroups = ["category", "owner", "project", "run"] as const;
export type WasteGroup = (typeof wasteGroups)[number];

export const wasteQuerySchema = z.object({ groupBy: z.enum(wasteGroups).default("category") }).and(dateRangeSchema);
export type WasteQuery = z.output<typeof wasteQuerySchema>;

export interface WasteRow {
  key: string;
  wastedUsd: number;
  findings: number;
}

export interface WasteResult {
  rows: WasteRow[];
  /** unacceptedSpendUsd: spend of the range on runs not accepted, beside waste and not part of it. */
  totals: { wastedUsd: number; spendUsd: number; unacceptedSpendUsd: number };
}

const runGroupKey: Record<Exclude<WasteGroup, "category">, Prisma.Sql> = {
  owner: Prisma.sql`coalesce(${o.email}, ${o.displayName}, ${unallocatedKey})`,
  project: Prisma.sql`coalesce(${p.name}, ${unallocatedKey})`,
  run: Prisma.sql`${r.id}::text`,
};

export async function wasteByGroup(scope: Scope, query: WasteQuery): Promise<WasteResult> {
  assertMayBreakDown(scope, query, "waste by owner or run needs");
  const from = dayStart(query.from);
  const to = dayStart(query.to);
  // From the waste rollups (lib/rollups/waste.ts): a run's waste is stored counted once (the larger
  // of its whole cost when rejected or abandoned and its other findings' sum), categories per day.
  const inRange = Prisma.sql`${wRunWaste.day} BETWEEN ${from}::date AND ${to}::date`;
  const rowsQuery =
    query.groupBy === "category"
      ? readDb().$queryRaw<WasteRow[]>`
          SELECT ${wWasteDay.category} AS key, sum(${wWasteDay.wastedUsd})::float8 AS "wastedUsd", sum(${wWasteDay.findings})::int AS findings
          FROM ${wWasteDay.$} WHERE ${wWasteDay.teamId} = ${scope.teamId}::uuid AND ${inRange} GROUP BY 1 ORDER BY 2 DESC, 1`
      : readDb().$queryRaw<WasteRow[]>`
          SELECT ${runGroupKey[query.groupBy]} AS key, sum(${wRunWaste.wastedUsd})::float8 AS "wastedUsd", sum(${wRunWaste.findings})::int AS findings
          FROM ${wRunWaste.$}
          JOIN ${r.$} ON ${r.teamId} = ${wRunWaste.teamId} AND ${r.id} = ${wRunWaste.runId}
          LEFT JOIN ${o.$} ON ${o.teamId} = ${r.teamId} AND ${o.id} = ${r.ownerId}
          LEFT JOIN ${p.$} ON ${p.teamId} = ${r.teamId} AND ${p.id} = ${r.projectId}
          WHERE ${wRunWaste.teamId} = ${scope.teamId}::uuid AND ${inRange}
          GROUP BY 1 ORDER BY 2 DESC, 1`;
  const [rows, [totals], outcomes] = await Promise.all([
    rowsQuery,
    readDb().$queryRaw<Omit<WasteResult["totals"], "unacceptedSpendUsd">[]>`
      SELECT coalesce((SELECT sum(${wRunWaste.wastedUsd}) FROM ${wRunWaste.$} WHERE ${wRunWaste.teamId} = ${scope.teamId}::uuid AND ${inRange}), 0)::float8 AS "wastedUsd",
        coalesce((SELECT sum(${d.costUsd}) FROM ${d.$} WHERE ${d.teamId} = ${scope.teamId}::uuid AND ${d.day} BETWEEN ${from}::date AND ${to}::date), 0)::float8 AS "spendUsd"`,
    // The same query as the outcomes panel, so the two pages show the same "not accepted" figure.
    costPerOutcome(scope, { from: query.from, to: query.to, groupBy: "week" }),
  ]);
  return { rows, totals: { ...totals!, unacceptedSpendUsd: outcomes.totals.unacceptedSpendUsd } };
}
