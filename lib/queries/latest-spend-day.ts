/** The last UTC day with any spend, and a page's range from its URL or, without one, by the latest-data rule. */

import type { Scope } from "@/lib/auth/scope";
import { readDb } from "@/lib/db/client";
import { table } from "@/lib/db/tables";
import { type PageRange, pageRange } from "./page-range";

const DailySpend = table("DailySpend");

export async function latestSpendDay(scope: Scope): Promise<string | null> {
  const [row] = await readDb().$queryRaw<{ day: string | null }[]>`
    SELECT to_char(max(${DailySpend.day}), 'YYYY-MM-DD') AS day FROM ${DailySpend.$} WHERE ${DailySpend.teamId} = ${scope.teamId}::uuid AND ${DailySpend.costUsd} <> 0`;
  return row?.day ?? null;
}

/** A page's date range from its URL by the one page-range rule (lib/queries/page-range.ts), with the note it shows. */
export async function pageDayRange(
  scope: Scope,
  params: { from?: unknown; to?: unknown },
  days: number,
): Promise<PageRange> {
  return pageRange(params, { days, latestDay: await latestSpendDay(scope) });
}
