/** The runs of a date range, most expensive first: `GET /api/v1/runs` and the Runs page. */
import { z } from "zod";
import { visibleRunsCondition } from "@/lib/auth/policy";
import type { Scope } from "@/lib/auth/scope";
import { db } from "@/lib/db/client";
import { Prisma } from "@/lib/generated/prisma/client";
import type { Tokens } from "@/lib/tokens";
import { dateRangeSchema, dayAfter, dayStart } from "./params";
import { dimensionFilter } from "./spend-by-group";

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
  })
  .and(dateRangeSchema);

export type RunsQuery = z.output<typeof runsQuerySchema>;

export interface RunSummary extends Tokens {
  id: string;
  externalId: string;
  source: string;
  title: string | null;
  startedAt: string;
  endedAt: string;
  owner: string | null;
  project: string | null;
  task: string | null;
  model: string | null;
  outcome: string | null;
}

const orderBy: Record<RunsQuery["sort"], Prisma.Sql> = {
  cost: Prisma.sql`r."costUsd" DESC`,
  startedAt: Prisma.sql`r."startedAt" DESC`,
  calls: Prisma.sql`r.calls DESC`,
};

/** Select list shared with the run detail. */
export const runSummaryColumns = Prisma.sql`
  r.id::text AS id, r."externalId", r.source, r.title,
  to_json(r."startedAt")#>>'{}' AS "startedAt", to_json(r."endedAt")#>>'{}' AS "endedAt",
  coalesce(o.email, o."displayName") AS owner, p.name AS project, t.key AS task,
  r.models[1] AS model, r.outcome::text AS outcome,
  r."inputTokens"::float8 AS "inputTokens", r."outputTokens"::float8 AS "outputTokens",
  r."cacheWriteTokens"::float8 AS "cacheWriteTokens", r."cacheReadTokens"::float8 AS "cacheReadTokens",
  r."costUsd"::float8 AS "costUsd", r.calls::float8 AS calls`;

/** The runs the scope may see (lib/auth/policy.ts) with their owner, project and task: FROM ... WHERE. */
export function visibleRunsSource(scope: Scope): Prisma.Sql {
  return Prisma.sql`
  FROM "Run" r
  LEFT JOIN "Person" o ON o."teamId" = r."teamId" AND o.id = r."ownerId"
  LEFT JOIN "Project" p ON p."teamId" = r."teamId" AND p.id = r."projectId"
  LEFT JOIN "Task" t ON t."teamId" = r."teamId" AND t.id = r."taskId"
  WHERE ${visibleRunsCondition(scope)}`;
}

/** The same owner and project filters as the spend's (dimensionFilter), on the run's own columns. */
function runFilters(query: RunsQuery): Prisma.Sql {
  return Prisma.sql`
    ${dimensionFilter(Prisma.sql`coalesce(r."ownerId"::text, '')`, [Prisma.sql`o.email`, Prisma.sql`o."displayName"`], query.owner)}
    ${dimensionFilter(Prisma.sql`coalesce(r."projectId"::text, '')`, [Prisma.sql`p.name`], query.project)}
    ${query.model === undefined ? Prisma.empty : Prisma.sql`AND ${query.model} = ANY(r.models)`}
    ${query.agent === undefined ? Prisma.empty : Prisma.sql`AND r.source = ${query.agent}`}`;
}

export async function runsList(scope: Scope, query: RunsQuery): Promise<RunSummary[]> {
  const from = dayStart(query.from);
  const toExclusive = dayAfter(query.to);
  return db().$queryRaw<RunSummary[]>`
    SELECT ${runSummaryColumns} ${visibleRunsSource(scope)}
      AND r."startedAt" >= ${from} AND r."startedAt" < ${toExclusive} ${runFilters(query)}
    ORDER BY ${orderBy[query.sort]}, r.id
    LIMIT ${query.limit}`;
}
