/**
 * Billed against traced spend: `GET /api/v1/reconciliation` and the Reconciliation page.
 *
 * Billed is the synced provider bill (BilledDay). Traced is the rollup the dashboards read
 * (DailySpend, never Call), counted only for models whose provider has a billing source in the team
 * (a team that connects only Anthropic does not compare its Codex traces with nothing). Both sides
 * meet per UTC day, provider and model (model-match.ts says when two model ids are one model).
 *
 * coverage = traced / billed (null when nothing is billed). untracedUsd = the bill no trace accounts
 * for: per day and model, max(billed - traced, 0), summed; so traced spend on one model or day never
 * hides an untraced bill on another. A row's untracedUsd sums the same cells.
 */
import { z } from "zod";
import type { Scope } from "@/lib/auth/scope";
import { dayStart } from "@/lib/days";
import { db } from "@/lib/db/client";
import { table } from "@/lib/db/tables";
import { Prisma } from "@/lib/generated/prisma/client";
import { dateRangeSchema } from "@/lib/queries/params";
import { matchableModel, providerOfModel } from "./model-match";
import type { BilledTokens, BillingProvider } from "./provider-pull";

const bBilledDay = table("BilledDay", "b");
const d = table("DailySpend", "d");
const sBillingSource = table("BillingSource", "s");

export const reconciliationGroups = ["day", "model", "provider"] as const;
export type ReconciliationGroup = (typeof reconciliationGroups)[number];

export const reconciliationQuerySchema = z
  .object({ groupBy: z.enum(reconciliationGroups).default("day") })
  .and(dateRangeSchema);
export type ReconciliationQuery = z.output<typeof reconciliationQuerySchema>;

/** The key of billed lines that name no model (tool fees and the like). */
export const noModelKey = "(no model)";

export interface ReconciliationRow {
  key: string;
  billedUsd: number;
  tracedUsd: number;
  coverage: number | null;
  untracedUsd: number;
  /** Token counts the provider's usage endpoint gave for the row, null when it gave none. */
  billedTokens: BilledTokens | null;
  tracedTokens: BilledTokens;
}

export interface Reconciliation {
  rows: ReconciliationRow[];
  totals: { billedUsd: number; tracedUsd: number; coverage: number | null; untracedUsd: number };
  /** Providers with a billing source: traced spend of other providers is left out. */
  providers: BillingProvider[];
}

interface Cell {
  day: string;
  provider: BillingProvider;
  model: string;
  billed: Prisma.Decimal;
  traced: Prisma.Decimal;
  billedTokens: BilledTokens | null;
  tracedTokens: BilledTokens;
}

const zeroTokens = (): BilledTokens => ({ inputTokens: 0, outputTokens: 0, cacheWriteTokens: 0, cacheReadTokens: 0 });
const addTokens = (a: BilledTokens, b: BilledTokens): BilledTokens => ({
  inputTokens: a.inputTokens + b.inputTokens,
  outputTokens: a.outputTokens + b.outputTokens,
  cacheWriteTokens: a.cacheWriteTokens + b.cacheWriteTokens,
  cacheReadTokens: a.cacheReadTokens + b.cacheReadTokens,
});
const coverageOf = (billed: Prisma.Decimal, traced: Prisma.Decimal) =>
  billed.isZero() ? null : traced.div(billed).toNumber();
const untracedOf = (cell: Cell) => Prisma.Decimal.max(cell.billed.minus(cell.traced), 0);

async function cells(
  scope: Pick<Scope, "teamId">,
  range: { from: string; to: string },
): Promise<{ cells: Cell[]; providers: BillingProvider[] }> {
  const from = dayStart(range.from);
  const to = dayStart(range.to);
  const [sources, billed, traced] = await Promise.all([
    db().billingSource.findMany({
      where: { teamId: scope.teamId },
      select: { provider: true },
      distinct: ["provider"],
    }),
    db().$queryRaw<
      {
        day: string;
        provider: BillingProvider;
        model: string;
        billed: string;
        input: string | null;
        output: string | null;
        cacheWrite: string | null;
        cacheRead: string | null;
      }[]
    >`
      SELECT to_char(${bBilledDay.day}, 'YYYY-MM-DD') AS day, ${sBillingSource.provider}, ${bBilledDay.model}, sum(${bBilledDay.billedUsd})::text AS billed,
        sum(${bBilledDay.inputTokens})::text AS input, sum(${bBilledDay.outputTokens})::text AS output,
        sum(${bBilledDay.cacheWriteTokens})::text AS "cacheWrite", sum(${bBilledDay.cacheReadTokens})::text AS "cacheRead"
      FROM ${bBilledDay.$} JOIN ${sBillingSource.$} ON ${sBillingSource.teamId} = ${bBilledDay.teamId} AND ${sBillingSource.id} = ${bBilledDay.sourceId}
      WHERE ${bBilledDay.teamId} = ${scope.teamId}::uuid AND ${bBilledDay.day} BETWEEN ${from}::date AND ${to}::date
      GROUP BY 1, 2, 3`,
    db().$queryRaw<
      {
        day: string;
        model: string;
        traced: string;
        input: string;
        output: string;
        cacheWrite: string;
        cacheRead: string;
      }[]
    >`
      SELECT to_char(${d.day}, 'YYYY-MM-DD') AS day, ${d.model}, sum(${d.costUsd})::text AS traced,
        sum(${d.inputTokens})::text AS input, sum(${d.outputTokens})::text AS output,
        sum(${d.cacheWriteTokens})::text AS "cacheWrite", sum(${d.cacheReadTokens})::text AS "cacheRead"
      FROM ${d.$}
      WHERE ${d.teamId} = ${scope.teamId}::uuid AND ${d.day} BETWEEN ${from}::date AND ${to}::date
      GROUP BY 1, 2`,
  ]);
  const providers = sources.map((source) => source.provider as BillingProvider).sort();
  const byKey = new Map<string, Cell>();
  const cell = (day: string, provider: BillingProvider, model: string) => {
    const key = `${day}\u0000${provider}\u0000${model}`;
    let found = byKey.get(key);
    if (!found) {
      found = {
        day,
        provider,
        model,
        billed: new Prisma.Decimal(0),
        traced: new Prisma.Decimal(0),
        billedTokens: null,
        tracedTokens: zeroTokens(),
      };
      byKey.set(key, found);
    }
    return found;
  };
  for (const row of billed) {
    const target = cell(row.day, row.provider, row.model === "" ? "" : matchableModel(row.model));
    target.billed = target.billed.plus(row.billed);
    if (row.input !== null) {
      const tokens = {
        inputTokens: Number(row.input),
        outputTokens: Number(row.output ?? 0),
        cacheWriteTokens: Number(row.cacheWrite ?? 0),
        cacheReadTokens: Number(row.cacheRead ?? 0),
      };
      target.billedTokens = addTokens(target.billedTokens ?? zeroTokens(), tokens);
    }
  }
  for (const row of traced) {
    const provider = providerOfModel(row.model);
    if (provider === null || !providers.includes(provider)) continue;
    const target = cell(row.day, provider, matchableModel(row.model));
    target.traced = target.traced.plus(row.traced);
    target.tracedTokens = addTokens(target.tracedTokens, {
      inputTokens: Number(row.input),
      outputTokens: Number(row.output),
      cacheWriteTokens: Number(row.cacheWrite),
      cacheReadTokens: Number(row.cacheRead),
    });
  }
  return { cells: [...byKey.values()], providers };
}

const groupKey: Record<ReconciliationGroup, (cell: Cell) => string> = {
  day: (cell) => cell.day,
  model: (cell) => cell.model || noModelKey,
  provider: (cell) => cell.provider,
};

export async function reconciliation(
  scope: Pick<Scope, "teamId">,
  query: ReconciliationQuery,
): Promise<Reconciliation> {
  const { cells: all, providers } = await cells(scope, query);
  const groups = new Map<
    string,
    {
      billed: Prisma.Decimal;
      traced: Prisma.Decimal;
      untraced: Prisma.Decimal;
      billedTokens: BilledTokens | null;
      tracedTokens: BilledTokens;
    }
  >();
  for (const cell of all) {
    const key = groupKey[query.groupBy](cell);
    const group = groups.get(key) ?? {
      billed: new Prisma.Decimal(0),
      traced: new Prisma.Decimal(0),
      untraced: new Prisma.Decimal(0),
      billedTokens: null,
      tracedTokens: zeroTokens(),
    };
    group.billed = group.billed.plus(cell.billed);
    group.traced = group.traced.plus(cell.traced);
    group.untraced = group.untraced.plus(untracedOf(cell));
    if (cell.billedTokens) group.billedTokens = addTokens(group.billedTokens ?? zeroTokens(), cell.billedTokens);
    group.tracedTokens = addTokens(group.tracedTokens, cell.tracedTokens);
    groups.set(key, group);
  }
  const rows = [...groups.entries()].map(([key, group]) => ({
    key,
    billedUsd: group.billed.toNumber(),
    tracedUsd: group.traced.toNumber(),
    coverage: coverageOf(group.billed, group.traced),
    untracedUsd: group.untraced.toNumber(),
    billedTokens: group.billedTokens,
    tracedTokens: group.tracedTokens,
  }));
  rows.sort(
    query.groupBy === "day"
      ? (a, b) => a.key.localeCompare(b.key)
      : (a, b) => b.billedUsd - a.billedUsd || a.key.localeCompare(b.key),
  );
  const billed = all.reduce((sum, cell) => sum.plus(cell.billed), new Prisma.Decimal(0));
  const traced = all.reduce((sum, cell) => sum.plus(cell.traced), new Prisma.Decimal(0));
  const untraced = all.reduce((sum, cell) => sum.plus(untracedOf(cell)), new Prisma.Decimal(0));
  return {
    rows,
    totals: {
      billedUsd: billed.toNumber(),
      tracedUsd: traced.toNumber(),
      coverage: coverageOf(billed, traced),
      untracedUsd: untraced.toNumber(),
    },
    providers,
  };
}

/** The contract's shape of `GET /api/v1/reconciliation` (docs/CONTRACT.md): rows {key, billedUsd, tracedUsd, coverage}. */
export function reconciliationResponse(result: Reconciliation) {
  return {
    rows: result.rows.map(({ key, billedUsd, tracedUsd, coverage }) => ({ key, billedUsd, tracedUsd, coverage })),
    totals: result.totals,
  };
}
