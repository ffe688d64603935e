/**
 * Wasted dollars of a date range by category, owner, project or run, with the range's spend:
 * `GET /api/v1/waste` and the Waste page. A finding's day is its run's start day.
 *
 * A run with no accepted outcome wastes its whole cost, which already contains its other
 * findings: by owner, project and run (and in totals.wastedUsd) such a run counts its whole cost
 * once. By category each category is its own sum, so those rows add up to more than the total
 * when such runs also have other findings.
 */
import { z } from "zod";
import type { Scope } from "@/lib/auth/scope";
import { db } from "@/lib/db/client";
import { Prisma } from "@/lib/generated/prisma/client";
import { dateRangeSchema } from "@/lib/queries/params";
import { unallocatedKey } from "@/lib/queries/spend-by-group";

export const wasteGroups = ["category", "owner", "project", "run"] as const;
export type WasteGroup = (typeof wasteGroups)[number];

export const wasteQuerySchema = z.object({ groupBy: z.enum(wasteGroups).default("category") }).and(dateRangeSchema);
export type WasteQuery = z.output<typeof wasteQuerySchema>;

export interface WasteRow {
  key: string;
  wastedUsd: number;
  findings: number;
}

export interface WasteResult {
  rows: WasteRow[];
  totals: { wastedUsd: number; spendUsd: number };
}

const runGroupKey: Record<Exclude<WasteGroup, "category">, Prisma.Sql> = {
  owner: Prisma.sql`coalesce(o.email, o."displayName", ${unallocatedKey})`,
  project: Prisma.sql`coalesce(p.name, ${unallocatedKey})`,
  run: Prisma.sql`r.id::text`,
};

export async function wasteByGroup(scope: Scope, query: WasteQuery): Promise<WasteResult> {
  const from = new Date(`${query.from}T00:00:00Z`);
  const to = new Date(`${query.to}T00:00:00Z`);
  const inRange = Prisma.sql`f."teamId" = ${scope.teamId}::uuid AND f.day BETWEEN ${from}::date AND ${to}::date`;
  // Each run's waste counted once: its whole cost when it delivered nothing, else its findings' sum.
  const perRun = Prisma.sql`
    SELECT f."runId",
      CASE WHEN bool_or(f.category = 'no-accepted-outcome') THEN sum(f."wastedUsd") FILTER (WHERE f.category = 'no-accepted-outcome')
           ELSE sum(f."wastedUsd") END AS wasted,
      count(*) AS findings
    FROM "Finding" f WHERE ${inRange} GROUP BY f."runId"`;
  const rowsQuery =
    query.groupBy === "category"
      ? db().$queryRaw<WasteRow[]>`
          SELECT f.category AS key, sum(f."wastedUsd")::float8 AS "wastedUsd", count(*)::int AS findings
          FROM "Finding" f WHERE ${inRange} GROUP BY 1 ORDER BY 2 DESC, 1`
      : db().$queryRaw<WasteRow[]>`
          SELECT ${runGroupKey[query.groupBy]} AS key, sum(w.wasted)::float8 AS "wastedUsd", sum(w.findings)::int AS findings
          FROM (${perRun}) w
          JOIN "Run" r ON r."teamId" = ${scope.teamId}::uuid AND r.id = w."runId"
          LEFT JOIN "Person" o ON o."teamId" = r."teamId" AND o.id = r."ownerId"
          LEFT JOIN "Project" p ON p."teamId" = r."teamId" AND p.id = r."projectId"
          GROUP BY 1 ORDER BY 2 DESC, 1`;
  const [rows, [totals]] = await Promise.all([
    rowsQuery,
    db().$queryRaw<WasteResult["totals"][]>`
      SELECT coalesce((SELECT sum(w.wasted) FROM (${perRun}) w), 0)::float8 AS "wastedUsd",
        coalesce((SELECT sum(d."costUsd") FROM "DailySpend" d WHERE d."teamId" = ${scope.teamId}::uuid AND d.day BETWEEN ${from}::date AND ${to}::date), 0)::float8 AS "spendUsd"`,
  ]);
  return { rows, totals: totals! };
}
