/**
 * Spend per UTC day split by owner, project, task, model or agent: the overview's stacked bars. The same
 * rollup, filters and keys as spendByGroup, so each day's bars add up to its `groupBy=day` row.
 */
import { z } from "zod";
import type { Scope } from "@/lib/auth/scope";
import { db } from "@/lib/db/client";
import { dailySpendSource, type SpendQuery, spendGroupKey } from "./spend-by-group";

export const stackDimensions = ["owner", "project", "task", "model", "agent"] as const;
export const stackDimensionSchema = z.enum(stackDimensions);
export type StackDimension = (typeof stackDimensions)[number];

export interface DailySpendPart {
  day: string;
  key: string;
  costUsd: number;
}

export async function dailySpendByGroup(
  scope: Scope,
  query: Pick<SpendQuery, "from" | "to" | "owner" | "project" | "agent"> & { stackBy: StackDimension },
): Promise<DailySpendPart[]> {
  const source = dailySpendSource(scope, query);
  return db().$queryRaw<DailySpendPart[]>`
    SELECT to_char(d.day, 'YYYY-MM-DD') AS day, ${spendGroupKey(query.stackBy)} AS key, coalesce(sum(d."costUsd"), 0)::float8 AS "costUsd"
    ${source}
    GROUP BY 1, 2 ORDER BY 1, 3 DESC`;
}
