/**
 * A team's totals as each stored layer holds them: the calls themselves, the run totals, the
 * per-run-day rollup and the attributed daily rollup. Tests compare them with each other and with
 * `trh analyze`; any write path that loses a delta shows here as layers that disagree.
 */
import { db } from "@/lib/db/client";
import type { Tokens } from "@/lib/tokens";

export interface StoredTotals {
  call: Tokens;
  run: Tokens;
  runDay: Tokens;
  daily: Tokens;
}

type Row = { [K in keyof Tokens]: string | null };

const layer = (row: Row | undefined): Tokens => ({
  calls: Number(row?.calls ?? 0),
  inputTokens: Number(row?.inputTokens ?? 0),
  outputTokens: Number(row?.outputTokens ?? 0),
  cacheWriteTokens: Number(row?.cacheWriteTokens ?? 0),
  cacheReadTokens: Number(row?.cacheReadTokens ?? 0),
  costUsd: Number(row?.costUsd ?? 0),
});

export async function storedTotals(teamId: string): Promise<StoredTotals> {
  const [call] = await db().$queryRaw<Row[]>`
    SELECT count(*)::text AS calls, sum("uncachedInput")::text AS "inputTokens", sum(output)::text AS "outputTokens",
      sum("cacheWrite5m" + "cacheWrite1h")::text AS "cacheWriteTokens", sum("cacheRead")::text AS "cacheReadTokens", sum("costUsd")::text AS "costUsd"
    FROM "Call" WHERE "teamId" = ${teamId}::uuid`;
  const [run] = await db().$queryRaw<Row[]>`
    SELECT sum(calls)::text AS calls, sum("inputTokens")::text AS "inputTokens", sum("outputTokens")::text AS "outputTokens",
      sum("cacheWriteTokens")::text AS "cacheWriteTokens", sum("cacheReadTokens")::text AS "cacheReadTokens", sum("costUsd")::text AS "costUsd"
    FROM "Run" WHERE "teamId" = ${teamId}::uuid`;
  const [runDay] = await db().$queryRaw<Row[]>`
    SELECT sum(calls)::text AS calls, sum("inputTokens")::text AS "inputTokens", sum("outputTokens")::text AS "outputTokens",
      sum("cacheWriteTokens")::text AS "cacheWriteTokens", sum("cacheReadTokens")::text AS "cacheReadTokens", sum("costUsd")::text AS "costUsd"
    FROM "RunDaySpend" WHERE "teamId" = ${teamId}::uuid`;
  const [daily] = await db().$queryRaw<Row[]>`
    SELECT sum(calls)::text AS calls, sum("inputTokens")::text AS "inputTokens", sum("outputTokens")::text AS "outputTokens",
      sum("cacheWriteTokens")::text AS "cacheWriteTokens", sum("cacheReadTokens")::text AS "cacheReadTokens", sum("costUsd")::text AS "costUsd"
    FROM "DailySpend" WHERE "teamId" = ${teamId}::uuid`;
  return { call: layer(call), run: layer(run), runDay: layer(runDay), daily: layer(daily) };
}
