/** Wasted dollars per day (or week, for long ranges) and category: the Waste page's chart, from the WasteDay rollup. */
import type { Scope } from "@/lib/auth/scope";
import { dayStart } from "@/lib/days";
import { readDb } from "@/lib/db/client";
import { table } from "@/lib/db/tables";
import { Prisma } from "@/lib/generated/prisma/client";
import type { DateRange } from "@/lib/queries/params";
import type { WasteCategory } from "@/lib/waste/types";

const w = table("WasteDay", "w");

/** Ranges longer than this are shown by week so the bars stay readable. */
const DAILY_UP_TO_DAYS = 45;

export interface WasteOverTime {
  bucket: "day" | "week";
  rows: { period: string; category: WasteCategory; wastedUsd: number }[];
}

export async function wasteOverTime(scope: Scope, range: DateRange): Promise<WasteOverTime> {
  const from = dayStart(range.from);
  const to = dayStart(range.to);
  const bucket = (to.getTime() - from.getTime()) / 86_400_000 < DAILY_UP_TO_DAYS ? "day" : "week";
  const period =
    bucket === "day"
      ? Prisma.sql`to_char(${w.day}, 'YYYY-MM-DD')`
      : Prisma.sql`to_char(date_trunc('week', ${w.day}), 'YYYY-MM-DD')`;
  const rows = await readDb().$queryRaw<WasteOverTime["rows"]>`
    SELECT ${period} AS period, ${w.category}, sum(${w.wastedUsd})::float8 AS "wastedUsd"
    FROM ${w.$} WHERE ${w.teamId} = ${scope.teamId}::uuid AND ${w.day} BETWEEN ${from}::date AND ${to}::date
    GROUP BY 1, 2 ORDER BY 1, 2`;
  return { bucket, rows };
}
