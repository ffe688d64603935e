/** The runs of a date range, most expensive first: `GET /api/v1/runs` and the Runs page. */
import { z } from "zod";
import type { Scope } from "@/lib/auth/scope";
import { readDb } from "@/lib/db/client";
import { Prisma } from "@/lib/generated/prisma/client";
import type { Tokens } from "@/lib/tokens";
import { dateRangeSchema } from "./params";
import { unallocatedKey } from "./spend-by-group";
import { visibleRunsCondition } from "./visible-runs";

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

export const runJoins = Prisma.sql`
  FROM "Run" r
  LEFT JOIN "Person" o ON o."teamId" = r."teamId" AND o.id = r."ownerId"
  LEFT JOIN "Project" p ON p."teamId" = r."teamId" AND p.id = r."projectId"
  LEFT JOIN "Task" t ON t."teamId" = r."teamId" AND t.id = r."taskId"`;

function runFilters(query: RunsQuery): Prisma.Sql {
  const filters: Prisma.Sql[] = [];
  if (query.owner === unallocatedKey) filters.push(Prisma.sql`r."ownerId" IS NULL`);
  else if (query.owner !== undefined)
    filters.push(
      Prisma.sql`(r."ownerId"::text = ${query.owner} OR o.email = ${query.owner} OR o."displayName" = ${query.owner})`,
    );
  if (query.project === unallocatedKey) filters.push(Prisma.sql`r."projectId" IS NULL`);
  else if (query.project !== undefined)
    filters.push(Prisma.sql`(r."projectId"::text = ${query.project} OR p.name = ${query.project})`);
  if (query.model !== undefined) filters.push(Prisma.sql`${query.model} = ANY(r.models)`);
  if (query.agent !== undefined) filters.push(Prisma.sql`r.source = ${query.agent}`);
  return filters.length === 0 ? Prisma.empty : Prisma.sql`AND ${Prisma.join(filters, " AND ")}`;
}

export async function runsList(scope: Scope, query: RunsQuery): Promise<RunSummary[]> {
  const from = new Date(`${query.from}T00:00:00Z`);
  const toExclusive = new Date(`${query.to}T00:00:00Z`);
  toExclusive.setUTCDate(toExclusive.getUTCDate() + 1);
  return readDb().$queryRaw<RunSummary[]>`
    SELECT ${runSummaryColumns} ${runJoins}
    WHERE ${visibleRunsCondition(scope)} AND r."startedAt" >= ${from} AND r."startedAt" < ${toExclusive} ${runFilters(query)}
    ORDER BY ${orderBy[query.sort]}, r.id
    LIMIT ${query.limit}`;
}
