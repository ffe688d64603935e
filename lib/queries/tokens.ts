/**
 * The token fields of docs/CONTRACT.md, as SQL select lists over our tables and as the JSON shape.
 * Sums are exact numerics in the database and cast to double only on the way out.
 */
import { Prisma } from "@/lib/generated/prisma/client";
import type { Tokens } from "@/lib/tokens";

/** Sums of a rollup table (DailySpend, RunDaySpend) aliased `alias`. */
export function sumTokens(alias: string): Prisma.Sql {
  const col = (name: string) => Prisma.raw(`"${alias}"."${name}"`);
  return Prisma.sql`
    coalesce(sum(${col("inputTokens")}), 0)::float8 AS "inputTokens",
    coalesce(sum(${col("outputTokens")}), 0)::float8 AS "outputTokens",
    coalesce(sum(${col("cacheWriteTokens")}), 0)::float8 AS "cacheWriteTokens",
    coalesce(sum(${col("cacheReadTokens")}), 0)::float8 AS "cacheReadTokens",
    coalesce(sum(${col("costUsd")}), 0)::float8 AS "costUsd",
    coalesce(sum(${col("calls")}), 0)::float8 AS "calls"`;
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
