/** The last UTC day with any spend: where the overview's default range falls back to when the current week is empty. */

import type { Scope } from "@/lib/auth/scope";
import { readDb } from "@/lib/db/client";

export async function latestSpendDay(scope: Scope): Promise<string | null> {
  const [row] = await readDb().$queryRaw<{ day: string | null }[]>`
    SELECT to_char(max(day), 'YYYY-MM-DD') AS day FROM "DailySpend" WHERE "teamId" = ${scope.teamId}::uuid AND "costUsd" <> 0`;
  return row?.day ?? null;
}
