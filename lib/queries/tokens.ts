/**
 * The token fields of docs/CONTRACT.md, as SQL select lists over our tables and as the JSON shape.
 * Sums are exact numerics in the database and cast to double only on the way out.
 */

import { table } from "@/lib/db/tables";
import { Prisma } from "@/lib/generated/prisma/client";
import type { Tokens } from "@/lib/tokens";

/** Sums of DailySpend's columns (or of rows with them: `d.*`) aliased `alias`. */
export function sumTokens(alias: string): Prisma.Sql {
  const d = table("DailySpend", alias);
  return Prisma.sql`
    coalesce(sum(${d.inputTokens}), 0)::float8 AS "inputTokens",
    coalesce(sum(${d.outputTokens}), 0)::float8 AS "outputTokens",
    coalesce(sum(${d.cacheWriteTokens}), 0)::float8 AS "cacheWriteTokens",
    coalesce(sum(${d.cacheReadTokens}), 0)::float8 AS "cacheReadTokens",
    coalesce(sum(${d.costUsd}), 0)::float8 AS "costUsd",
    coalesce(sum(${d.calls}), 0)::float8 AS "calls"`;
}

export function pickTokens(row: Tokens): Tokens {
  return {
    inputTokens: row.inputTokens,
    outputTokens: row.outputTokens,
    cacheWriteTokens: row.cacheWriteTokens,
    cacheReadTokens: row.cacheReadTokens,
    costUsd: row.costUsd,
    calls: row.calls,
  };
}
