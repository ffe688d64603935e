/**
 * Spend for a date range grouped by day, week, owner, project, task, model or agent, with the exact
 * totals: `GET /api/v1/spend` and the overview tables. Reads the DailySpend rollup only.
 */
import { z } from "zod";
import { assertMayBreakDown } from "@/lib/auth/policy";
import type { Scope } from "@/lib/auth/scope";
import { dayStart } from "@/lib/days";
import { readDb } from "@/lib/db/client";
import { table } from "@/lib/db/tables";
import { Prisma } from "@/lib/generated/prisma/client";
import type { Tokens } from "@/lib/tokens";
import { dateRangeSchema } from "./params";
import { pickTokens, sumTokens } from "./tokens";

const d = table("DailySpend", "d");
const o = table("Person", "o");
const p = table("Project", "p");
const t = table("Task", "t");

export const spendGroups = ["day", "week", "owner", "project", "task", "model", "agent"] as const;
export type SpendGroup = (typeof spendGroups)[number];

export const spendQuerySchema = z
  .object({
    groupBy: z.enum(spendGroups).default("day"),
    project: z.string().max(200).optional(),
    owner: z.string().max(320).optional(),
    /** An agent (a run source: claude-code, codex, opencode, ...). */
    agent: z.string().max(64).optional(),
  })
  .and(dateRangeSchema);

export type SpendQuery = z.output<typeof spendQuerySchema>;

/** What an unattributed dimension is called in keys. */
export const unallocatedKey = "unallocated";

const groupKey: Record<SpendGroup, Prisma.Sql> = {
  day: Prisma.sql`to_char(${d.day}, 'YYYY-MM-DD')`,
  week: Prisma.sql`to_char(date_trunc('week', ${d.day}), 'YYYY-MM-DD')`,
  owner: Prisma.sql`coalesce(${o.email}, ${o.displayName}, ${unallocatedKey})`,
  project: Prisma.sql`coalesce(${p.name}, ${unallocatedKey})`,
  task: Prisma.sql`coalesce(${t.key}, ${unallocatedKey})`,
  model: d.model,
  agent: d.source,
};

/** Owners and projects may be named by id, email/name, or "unallocated". */
export function dimensionFilter(column: Prisma.Sql, names: Prisma.Sql[], value: string | undefined): Prisma.Sql {
  if (value === undefined) return Prisma.empty;
  if (value === unallocatedKey) return Prisma.sql`AND ${column} = ''`;
  return Prisma.sql`AND (${column} = ${value} OR ${Prisma.join(
    names.map((name) => Prisma.sql`${name} = ${value}`),
    " OR ",
  )})`;
}

/**
 * The FROM and WHERE of every DailySpend read: the team, the inclusive day range and the owner,
 * project and agent filters. Shared with the per-day breakdown so the overview's chart and tables add up to
 * exactly what `GET /api/v1/spend` answers.
 */
export function dailySpendSource(
  scope: Scope,
  query: Pick<SpendQuery, "from" | "to" | "owner" | "project"> & { agent?: string },
): Prisma.Sql {
  const from = dayStart(query.from);
  const to = dayStart(query.to);
  return Prisma.sql`
    FROM ${d.$}
    LEFT JOIN ${o.$} ON ${o.teamId} = ${d.teamId} AND ${o.id}::text = ${d.ownerId}
    LEFT JOIN ${p.$} ON ${p.teamId} = ${d.teamId} AND ${p.id}::text = ${d.projectId}
    LEFT JOIN ${t.$} ON ${t.teamId} = ${d.teamId} AND ${t.id}::text = ${d.taskId}
    WHERE ${d.teamId} = ${scope.teamId}::uuid AND ${d.day} BETWEEN ${from}::date AND ${to}::date
    ${dimensionFilter(d.ownerId, [o.email, o.displayName], query.owner)}
    ${dimensionFilter(d.projectId, [p.name], query.project)}
    ${query.agent === undefined ? Prisma.empty : Prisma.sql`AND ${d.source} = ${query.agent}`}`;
}

/** The SQL naming a DailySpend row's group, over dailySpendSource's aliases. */
export function spendGroupKey(groupBy: SpendGroup): Prisma.Sql {
  return groupKey[groupBy];
}

export async function spendByGroup(
  scope: Scope,
  query: SpendQuery,
): Promise<{ rows: ({ key: string } & Tokens)[]; totals: Tokens }> {
  assertMayBreakDown(scope, query, "spend by owner needs");
  const source = dailySpendSource(scope, query);
  const order =
    query.groupBy === "day" || query.groupBy === "week" ? Prisma.sql`s.key` : Prisma.sql`"costUsd" DESC, s.key`;
  // Rows and totals in one statement (the empty grouping set is the totals row, there even when
  // no row matches): the overview asks this eleven times at once, and each statement holds a
  // pooled connection.
  const rows = await readDb().$queryRaw<({ key: string | null; total: number } & Tokens)[]>`
    SELECT s.key, grouping(s.key) AS total, ${sumTokens("s")}
    FROM (SELECT ${groupKey[query.groupBy]} AS key, d.* ${source}) s
    GROUP BY GROUPING SETS ((s.key), ())
    ORDER BY grouping(s.key), ${order}`;
  const totals = rows.find((row) => row.total === 1)!;
  return {
    rows: rows.filter((row) => row.total === 0).map((row) => ({ key: row.key!, ...pickTokens(row) })),
    totals: pickTokens(totals),
  };
}
