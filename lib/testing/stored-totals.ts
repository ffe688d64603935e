/**
 * A team's totals as each stored layer holds them: the calls themselves, the run totals, the
 * per-run-day rollup and the attributed daily rollup. Tests compare them with each other and with
 * `trh analyze`; any write path that loses a delta shows here as layers that disagree.
 */
import { db } from "@/lib/db/client";
import { table } from "@/lib/db/tables";
import type { Tokens } from "@/lib/tokens";

const Call = table("Call");
const DailySpend = table("DailySpend");
const Run = table("Run");
const RunDaySpend = table("RunDaySpend");

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
    SELECT count(*)::text AS calls, sum(${Call.uncachedInput})::text AS "inputTokens", sum(${Call.output})::text AS "outputTokens",
      sum(${Call.cacheWrite5m} + ${Call.cacheWrite1h})::text AS "cacheWriteTokens", sum(${Call.cacheRead})::text AS "cacheReadTokens", sum(${Call.costUsd})::text AS "costUsd"
    FROM ${Call.$} WHERE ${Call.teamId} = ${teamId}::uuid`;
  const [run] = await db().$queryRaw<Row[]>`
    SELECT sum(${Run.calls})::text AS calls, sum(${Run.inputTokens})::text AS "inputTokens", sum(${Run.outputTokens})::text AS "outputTokens",
      sum(${Run.cacheWriteTokens})::text AS "cacheWriteTokens", sum(${Run.cacheReadTokens})::text AS "cacheReadTokens", sum(${Run.costUsd})::text AS "costUsd"
    FROM ${Run.$} WHERE ${Run.teamId} = ${teamId}::uuid`;
  const [runDay] = await db().$queryRaw<Row[]>`
    SELECT sum(${RunDaySpend.calls})::text AS calls, sum(${RunDaySpend.inputTokens})::text AS "inputTokens", sum(${RunDaySpend.outputTokens})::text AS "outputTokens",
      sum(${RunDaySpend.cacheWriteTokens})::text AS "cacheWriteTokens", sum(${RunDaySpend.cacheReadTokens})::text AS "cacheReadTokens", sum(${RunDaySpend.costUsd})::text AS "costUsd"
    FROM ${RunDaySpend.$} WHERE ${RunDaySpend.teamId} = ${teamId}::uuid`;
  const [daily] = await db().$queryRaw<Row[]>`
    SELECT sum(${DailySpend.calls})::text AS calls, sum(${DailySpend.inputTokens})::text AS "inputTokens", sum(${DailySpend.outputTokens})::text AS "outputTokens",
      sum(${DailySpend.cacheWriteTokens})::text AS "cacheWriteTokens", sum(${DailySpend.cacheReadTokens})::text AS "cacheReadTokens", sum(${DailySpend.costUsd})::text AS "costUsd"
    FROM ${DailySpend.$} WHERE ${DailySpend.teamId} = ${teamId}::uuid`;
  return { call: layer(call), run: layer(run), runDay: layer(runDay), daily: layer(daily) };
}
