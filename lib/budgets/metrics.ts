/**
 * `GET /api/v1/metrics`: the team's spend, tokens and calls per UTC day by owner, project and model
 * (the last METRIC_DAYS days, from DailySpend), and every budget's amount, spend, forecast and
 * status, in the Prometheus text format (prom-client writes it and escapes label values: names
 * come from traces). Cardinality is bounded: per dimension, the METRIC_TOP_KEYS largest keys of
 * the window keep their name and the rest add up under "other".
 */
import { Gauge, Registry } from "prom-client";
import type { Scope } from "@/lib/auth/scope";
import { addDays, todayUtc } from "@/lib/days";
import { db } from "@/lib/db/client";
import { table } from "@/lib/db/tables";
import { Prisma } from "@/lib/generated/prisma/client";
import { unallocatedKey } from "@/lib/queries/spend-by-group";
import { listBudgetStates } from "./budgets";

const d = table("DailySpend", "d");
const o = table("Person", "o");
const p = table("Project", "p");

export const METRIC_DAYS = 7;
export const METRIC_TOP_KEYS = 20;
export const OTHER_KEY = "other";

const dimensions = {
  owner: Prisma.sql`coalesce(${o.email}, ${o.displayName}, ${unallocatedKey})`,
  project: Prisma.sql`coalesce(${p.name}, ${unallocatedKey})`,
  model: d.model,
} as const;
type Dimension = keyof typeof dimensions;

interface Row {
  day: string;
  key: string;
  costUsd: number;
  calls: number;
  input: number;
  output: number;
  cacheWrite: number;
  cacheRead: number;
}

const tokenKinds = [
  ["input", "input"],
  ["output", "output"],
  ["cache_write", "cacheWrite"],
  ["cache_read", "cacheRead"],
] as const;

export async function teamMetrics(scope: Scope, now = new Date()): Promise<{ contentType: string; body: string }> {
  const registry = new Registry();
  const to = todayUtc(now);
  const from = addDays(to, -(METRIC_DAYS - 1));
  for (const dimension of Object.keys(dimensions) as Dimension[]) {
    const spend = new Gauge({
      name: `trh_spend_usd_by_${dimension}`,
      help: `Spend in US dollars per UTC day by ${dimension} (last ${METRIC_DAYS} days)`,
      labelNames: ["day", dimension],
      registers: [registry],
    });
    const tokens = new Gauge({
      name: `trh_tokens_by_${dimension}`,
      help: `Tokens per UTC day by ${dimension} and kind (input is uncached input)`,
      labelNames: ["day", dimension, "kind"],
      registers: [registry],
    });
    const calls = new Gauge({
      name: `trh_calls_by_${dimension}`,
      help: `Model calls per UTC day by ${dimension}`,
      labelNames: ["day", dimension],
      registers: [registry],
    });
    for (const row of foldSmallKeys(await dailyRows(scope.teamId, dimension, from, to))) {
      spend.set({ day: row.day, [dimension]: row.key }, row.costUsd);
      calls.set({ day: row.day, [dimension]: row.key }, row.calls);
      for (const [kind, field] of tokenKinds) tokens.set({ day: row.day, [dimension]: row.key, kind }, row[field]);
    }
  }

  const labels = ["budget_id", "budget", "scope_kind", "period"] as const;
  const amount = new Gauge({
    name: "trh_budget_amount_usd",
    help: "Budget amount for the current period in US dollars",
    labelNames: labels,
    registers: [registry],
  });
  const spent = new Gauge({
    name: "trh_budget_spent_usd",
    help: "Spend of the budget's current period so far in US dollars",
    labelNames: labels,
    registers: [registry],
  });
  const forecast = new Gauge({
    name: "trh_budget_forecast_usd",
    help: "Forecast spend at the end of the current period (absent until 3 days of data)",
    labelNames: labels,
    registers: [registry],
  });
  const status = new Gauge({
    name: "trh_budget_status",
    help: "1 for the budget's current status (ok, warning, exceeded, forecast-exceeded), 0 for the others",
    labelNames: [...labels, "status"],
    registers: [registry],
  });
  for (const budget of await listBudgetStates(scope, { withOwners: true, now })) {
    const id = { budget_id: budget.id, budget: budget.name, scope_kind: budget.scope.kind, period: budget.period };
    amount.set(id, budget.amountUsd);
    spent.set(id, budget.spentUsd);
    if (budget.forecastUsd !== null) forecast.set(id, budget.forecastUsd);
    for (const value of ["ok", "warning", "exceeded", "forecast-exceeded"])
      status.set({ ...id, status: value }, budget.status === value ? 1 : 0);
  }
  return { contentType: registry.contentType, body: await registry.metrics() };
}

async function dailyRows(teamId: string, dimension: Dimension, from: string, to: string): Promise<Row[]> {
  return db().$queryRaw<Row[]>`
    SELECT to_char(${d.day}, 'YYYY-MM-DD') AS day, ${dimensions[dimension]} AS key, sum(${d.costUsd})::float8 AS "costUsd", sum(${d.calls})::float8 AS calls,
      sum(${d.inputTokens})::float8 AS input, sum(${d.outputTokens})::float8 AS output, sum(${d.cacheWriteTokens})::float8 AS "cacheWrite", sum(${d.cacheReadTokens})::float8 AS "cacheRead"
    FROM ${d.$}
    LEFT JOIN ${o.$} ON ${o.teamId} = ${d.teamId} AND ${o.id}::text = ${d.ownerId}
    LEFT JOIN ${p.$} ON ${p.teamId} = ${d.teamId} AND ${p.id}::text = ${d.projectId}
    WHERE ${d.teamId} = ${teamId}::uuid AND ${d.day} BETWEEN ${from}::date AND ${to}::date
    GROUP BY 1, 2`;
}

/** Keeps the METRIC_TOP_KEYS keys with the most spend over the window; the rest become "other" per day. */
export function foldSmallKeys(rows: Row[]): Row[] {
  const totals = new Map<string, number>();
  for (const row of rows) totals.set(row.key, (totals.get(row.key) ?? 0) + row.costUsd);
  const kept = new Set(
    [...totals]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, METRIC_TOP_KEYS)
      .map(([key]) => key),
  );
  const folded = new Map<string, Row>();
  for (const row of rows) {
    const key = kept.has(row.key) ? row.key : OTHER_KEY;
    const id = `${row.day}\u0000${key}`;
    const into = folded.get(id);
    if (!into) folded.set(id, { ...row, key });
    else
      for (const field of ["costUsd", "calls", "input", "output", "cacheWrite", "cacheRead"] as const)
        into[field] += row[field];
  }
  return [...folded.values()];
}
