/** The last UTC day with any spend, and a page's range from its URL or, without one, by the latest-data rule. */

import type { Scope } from "@/lib/auth/scope";
import { db } from "@/lib/db/client";
import { correctedDayRange, type DateRange, latestDataRange } from "./params";

export async function latestSpendDay(scope: Scope): Promise<string | null> {
  const [row] = await db().$queryRaw<{ day: string | null }[]>`
    SELECT to_char(max(day), 'YYYY-MM-DD') AS day FROM "DailySpend" WHERE "teamId" = ${scope.teamId}::uuid AND "costUsd" <> 0`;
  return row?.day ?? null;
}

/**
 * A page's date range: the URL's, repaired by correctedDayRange, or, when it names none, the
 * `days` days of lib/queries/params.ts's latestDataRange. `note` says what was changed, or is null.
 */
export async function pageDayRange(
  scope: Scope,
  params: { from?: unknown; to?: unknown },
  days: number,
): Promise<DateRange & { note: string | null }> {
  const asked = (params.from !== undefined && params.from !== "") || (params.to !== undefined && params.to !== "");
  const fallback = latestDataRange(days, asked ? null : await latestSpendDay(scope));
  const { correction, ...range } = correctedDayRange(params, () => fallback);
  return { ...range, note: correction ?? (asked ? null : fallback.note) };
}
