/**
 * The runs of a date range, most expensive first, filtered and searched: `GET /api/v1/runs` and the
 * Runs page. A page of at most `limit` runs from `offset`, and how many match in all.
 */
import { z } from "zod";
import { visibleRunsCondition } from "@/lib/auth/policy";
import type { Scope } from "@/lib/auth/scope";
import { dayAfter, dayStart } from "@/lib/days";
import { readDb } from "@/lib/db/client";
import { recordColumns } from "@/lib/db/columns";
import { table } from "@/lib/db/tables";
import { Prisma } from "@/lib/generated/prisma/client";
import type { Tokens } from "@/lib/tokens";
import { dateRangeSchema } from "./params";
import { dimensionFilter } from "./spend-by-group";

const o = table("Person", "o");
const p = table("Project", "p");
const r = table("Run", "r");
const t = table("Task", "t");

export const runsQuerySchema = z
  .object({
    sort: z.enum(["cost", "startedAt", "calls"]).default("cost"),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    /** A person's id, email or name, or "unallocated". */
    owner: z.string().max(320).optional(),
    /** A project's id or name, or "unallocated". */
    project: z.string().max(200).optional(),
    /** Any of the run's models, exactly as the trace names it. */
    model: z.string().max(200).optional(),
    /** The agent the run came from (its source: claude-code, codex, opencode, ...). */
    agent: z.string().max(64).optional(),
    /** A task's key or id, or "unallocated". */
    task: z.string().max(200).optional(),
    /**
     * Words the run's title (its first user message), repository, working directory, branch or
     * session id contain, case-insensitively; all of them must appear.
     */
    q: z.string().trim().max(200).optional(),
    /** Runs to skip, for the pages after the first. */
    offset: z.coerce.number().int().min(0).max(10_000_000).optional(),
  })
  .and(dateRangeSchema);

export type RunsQuery = z.output<typeof runsQuerySchema>;

export interface RunSummary extends Tokens {
  id: string;
  externalId: string;
  source: string;
  title: string | null;
  /** The git remote the trace names, else null. */
  repository: string | null;
  /** The working directory the trace names, else null. */
  cwd: string | null;
  startedAt: string;
  endedAt: string;
  owner: string | null;
  project: string | null;
  task: string | null;
  model: string | null;
  outcome: string | null;
}

const orderBy: Record<RunsQuery["sort"], Prisma.Sql> = {
  cost: Prisma.sql`${r.costUsd} DESC`,
  startedAt: Prisma.sql`${r.startedAt} DESC`,
  calls: Prisma.sql`${r.calls} DESC`,
};

/** Select list shared with the run detail. */
export const runSummaryColumns = Prisma.sql`
  ${r.id}::text AS id, ${r.externalId}, ${r.source}, ${r.title}, ${r.repository}, ${r.cwd},
  to_json(${r.startedAt})#>>'{}' AS "startedAt", to_json(${r.endedAt})#>>'{}' AS "endedAt",
  coalesce(${o.email}, ${o.displayName}) AS owner, ${p.name} AS project, ${t.key} AS task,
  ${r.models}[1] AS model, ${r.outcome}::text AS outcome,
  ${r.inputTokens}::float8 AS "inputTokens", ${r.outputTokens}::float8 AS "outputTokens",
  ${r.cacheWriteTokens}::float8 AS "cacheWriteTokens", ${r.cacheReadTokens}::float8 AS "cacheReadTokens",
  ${r.costUsd}::float8 AS "costUsd", ${r.calls}::float8 AS calls`;

/** The runs the scope may see (lib/auth/policy.ts) with their owner, project and task: FROM ... WHERE. */
export function visibleRunsSource(scope: Scope): Prisma.Sql {
  return Prisma.sql`
  FROM ${r.$}
  LEFT JOIN ${o.$} ON ${o.teamId} = ${r.teamId} AND ${o.id} = ${r.ownerId}
  LEFT JOIN ${p.$} ON ${p.teamId} = ${r.teamId} AND ${p.id} = ${r.projectId}
  LEFT JOIN ${t.$} ON ${t.teamId} = ${r.teamId} AND ${t.id} = ${r.taskId}
  WHERE ${visibleRunsCondition(scope)}`;
}

/** The search text as lower-case words (at most 8: each is one more condition per row). */
export function searchWords(q: string | undefined): string[] {
  if (q === undefined) return [];
  return [
    ...new Set(
      q
        .toLowerCase()
        .split(/\s+/)
        .filter((word) => word !== ""),
    ),
  ].slice(0, 8);
}

/** The same owner, project and task filters as the spend's (dimensionFilter), on the run's own columns; the search. */
function runFilters(query: RunsQuery): Prisma.Sql {
  // strpos, not LIKE or a regex: the user's text is matched literally, in time linear in the
  // (bounded) text; the team and date range (the (teamId, startedAt) index) bound the rows.
  const words = searchWords(query.q).map(
    (word) =>
      Prisma.sql`AND strpos(lower(concat_ws(' ', ${r.title}, ${r.repository}, ${r.cwd}, ${r.gitBranch}, ${r.externalId})), ${word}) > 0`,
  );
  return Prisma.sql`
    ${dimensionFilter(Prisma.sql`coalesce(${r.ownerId}::text, '')`, [o.email, o.displayName], query.owner)}
    ${dimensionFilter(Prisma.sql`coalesce(${r.projectId}::text, '')`, [p.name], query.project)}
    ${dimensionFilter(Prisma.sql`coalesce(${r.taskId}::text, '')`, [t.key], query.task)}
    ${query.model === undefined ? Prisma.empty : Prisma.sql`AND ${query.model} = ANY(${r.models})`}
    ${query.agent === undefined ? Prisma.empty : Prisma.sql`AND ${r.source} = ${query.agent}`}
    ${words.length === 0 ? Prisma.empty : Prisma.join(words, " ")}`;
}

function inRange(query: RunsQuery): Prisma.Sql {
  return Prisma.sql`AND ${r.startedAt} >= ${dayStart(query.from)} AND ${r.startedAt} < ${dayAfter(query.to)}`;
}

export async function runsList(scope: Scope, query: RunsQuery): Promise<RunSummary[]> {
  return readDb().$queryRaw<RunSummary[]>`
    SELECT ${runSummaryColumns} ${visibleRunsSource(scope)} ${inRange(query)} ${runFilters(query)}
    ORDER BY ${orderBy[query.sort]}, ${r.id}
    LIMIT ${query.limit} OFFSET ${query.offset ?? 0}`;
}

const totalColumns = recordColumns({ total: "float8" });

/** One page of the list and how many runs match in all (for "101-200 of 2,345"). */
export async function runsPage(scope: Scope, query: RunsQuery): Promise<{ runs: RunSummary[]; total: number }> {
  const [runs, [count]] = await Promise.all([
    runsList(scope, query),
    totalColumns.read(
      readDb(),
      Prisma.sql`SELECT count(*)::float8 AS total ${visibleRunsSource(scope)} ${inRange(query)} ${runFilters(query)}`,
    ),
  ]);
  return { runs, total: count?.total ?? 0 };
}
