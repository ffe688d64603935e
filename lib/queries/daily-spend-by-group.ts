/**
 * Spend per UTC day split by owner, project, task, model or agent: the overview's stacked bars. The same
 * rollup, filters and keys as spendByGroup, so each day's bars add up to its `groupBy=day` row.
 */
import { z } from "zod";
import { assertMayBreakDown } from "@/lib/auth/policy";
import type { Scope } from "@/lib/auth/scope";
import { readDb } from "@/lib/db/client";
import { dateRangeSchema } from "./params";
import { dailySpendSource, type SpendQuery, spendGroupKey } from "./spend-by-group";

export const stackDimensions = ["owner", "project", "task", "model", "agent"] as const;
export const stackDimensionSchema = z.enum(stackDimensions);
export type StackDimension = (typeof stackDimensions)[number];

/** `GET /api/v1/spend/daily`: the overview's stacked bars for a range, its filters and a dimension. */
export const dailySpendQuerySchema = z
  .object({
    stackBy: stackDimensionSchema.default("project"),
    project: z.string().max(200).optional(),
    owner: z.string().max(320).optional(),
    agent: z.string().max(64).optional(),
  })
  .and(dateRangeSchema);

export interface DailySpendPart {
  day: string;
  key: string;
  costUsd: number;
}

export async function dailySpendByGroup(
  scope: Scope,
  query: Pick<SpendQuery, "from" | "to" | "owner" | "project" | "agent"> & { stackBy: StackDimension },
): Promise<DailySpendPart[]> {
  assertMayBreakDown(scope, { groupBy: query.stackBy, owner: query.owner }, "spend by owner needs");
  const source = dailySpendSource(scope, query);
  return readDb().$queryRaw<DailySpendPart[]>`
    SELECT to_char(d.day, 'YYYY-MM-DD') AS day, ${spendGroupKey(query.stackBy)} AS key, coalesce(sum(d."costUsd"), 0)::float8 AS "costUsd"
    ${source}
    GROUP BY 1, 2 ORDER BY 1, 3 DESC`;
}
