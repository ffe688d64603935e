/**
 * The budget questions asked of the DailySpend rollup (never of Call): a scope's spend per day, the
 * first day it spent anything, and owners' or projects' spend per day for spike detection.
 * DailySpend keeps UTC days; a period in another time zone counts the days whose dates fall in it.
 */

import { table } from "@/lib/db/tables";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { Prisma } from "@/lib/generated/prisma/client";

const d = table("DailySpend", "d");
const o = table("Person", "o");
const p = table("Project", "p");

export const budgetScopeKinds = ["team", "owner", "project", "task", "model"] as const;
export type BudgetScopeKind = (typeof budgetScopeKinds)[number];

export interface BudgetScopeRef {
  kind: BudgetScopeKind;
  value: string | null;
}

function scopeFilter(scope: BudgetScopeRef): Prisma.Sql {
  const value = scope.value ?? "";
  switch (scope.kind) {
    case "team":
      return Prisma.empty;
    case "owner":
      return Prisma.sql`AND ${d.ownerId} = ${value}`;
    case "project":
      return Prisma.sql`AND ${d.projectId} = ${value}`;
    case "task":
      return Prisma.sql`AND ${d.taskId} = ${value}`;
    case "model":
      return Prisma.sql`AND ${d.model} = ${value}`;
  }
}

/** The scope's spend on each day of [from, to] that has any, by date. */
export async function scopeDailySpend(
  database: PrismaClient,
  teamId: string,
  scope: BudgetScopeRef,
  from: string,
  to: string,
): Promise<Map<string, number>> {
  const rows = await database.$queryRaw<{ day: string; costUsd: number }[]>`
    SELECT to_char(${d.day}, 'YYYY-MM-DD') AS day, sum(${d.costUsd})::float8 AS "costUsd"
    FROM ${d.$}
    WHERE ${d.teamId} = ${teamId}::uuid AND ${d.day} BETWEEN ${from}::date AND ${to}::date ${scopeFilter(scope)}
    GROUP BY 1`;
  return new Map(rows.map((row) => [row.day, row.costUsd]));
}

/** The first day the scope spent anything, or null. */
export async function scopeFirstSpendDay(
  database: PrismaClient,
  teamId: string,
  scope: BudgetScopeRef,
): Promise<string | null> {
  const [row] = await database.$queryRaw<{ day: string | null }[]>`
    SELECT to_char(min(${d.day}), 'YYYY-MM-DD') AS day FROM ${d.$}
    WHERE ${d.teamId} = ${teamId}::uuid AND ${d.costUsd} > 0 ${scopeFilter(scope)}`;
  return row?.day ?? null;
}

export interface SubjectDaySpend {
  id: string;
  name: string;
  day: string;
  costUsd: number;
}

/**
 * Each owner's (or project's) spend per day of [from, to], with its name; `only` limits it to one
 * id. Unallocated spend has no one to ask, so it is left out.
 */
export async function subjectDailySpend(
  database: PrismaClient,
  teamId: string,
  dimension: "owner" | "project",
  only: string | null,
  from: string,
  to: string,
): Promise<SubjectDaySpend[]> {
  const column = dimension === "owner" ? d.ownerId : d.projectId;
  const name =
    dimension === "owner"
      ? Prisma.sql`coalesce(${o.displayName}, ${o.email}, ${column})`
      : Prisma.sql`coalesce(${p.name}, ${column})`;
  return database.$queryRaw<SubjectDaySpend[]>`
    SELECT ${column} AS id, ${name} AS name, to_char(${d.day}, 'YYYY-MM-DD') AS day, sum(${d.costUsd})::float8 AS "costUsd"
    FROM ${d.$}
    LEFT JOIN ${o.$} ON ${o.teamId} = ${d.teamId} AND ${o.id}::text = ${d.ownerId}
    LEFT JOIN ${p.$} ON ${p.teamId} = ${d.teamId} AND ${p.id}::text = ${d.projectId}
    WHERE ${d.teamId} = ${teamId}::uuid AND ${d.day} BETWEEN ${from}::date AND ${to}::date AND ${column} <> ''
      ${only === null ? Prisma.empty : Prisma.sql`AND ${column} = ${only}`}
    GROUP BY 1, 2, 3`;
}
