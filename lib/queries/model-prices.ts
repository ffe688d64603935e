/**
 * The models the team's calls used and what the price book (list prices and the team's overrides)
 * says of each: the Prices page's tables. Read from RunDaySpend per model and day, never from the
 * calls: override periods start and end on whole UTC days, so whether a model is priced is the
 * same for every call of a day, and the day's totals are exactly its calls'.
 */
import type { Scope } from "@/lib/auth/scope";
import { dayStart } from "@/lib/days";
import { db } from "@/lib/db/client";
import { table } from "@/lib/db/tables";
import { loadPriceOverrides } from "@/lib/pricing/overrides";
import { listRates, overrideInEffect, type PriceOverride, priceCall, type RatesPerM } from "@/lib/pricing/price-book";
import type { Tokens } from "@/lib/tokens";

const RunDaySpendTable = table("RunDaySpend");

export interface UnpricedModel extends Omit<Tokens, "costUsd"> {
  model: string;
  /** First and last UTC day with calls the price book does not price. */
  firstDay: string;
  lastDay: string;
}

export interface ModelInUse {
  model: string;
  calls: number;
  costUsd: number;
  lastDay: string;
  /** The list price today (below long-context tiers), null when the table does not know the model. */
  list: RatesPerM | null;
  /** The team's override in effect today, if any. */
  overrideId: string | null;
}

export interface ModelPrices {
  unpriced: UnpricedModel[];
  inUse: ModelInUse[];
}

interface DayRow extends Omit<Tokens, "costUsd"> {
  model: string;
  day: string;
  costUsd: number;
}

const pricedOn = (model: string, day: string, overrides: readonly PriceOverride[]) =>
  priceCall(
    {
      model,
      timestamp: dayStart(day),
      uncachedInput: 0,
      cacheRead: 0,
      cacheWrite5m: 0,
      cacheWrite1h: 0,
      output: 0,
      speed: "standard",
    },
    overrides,
  ).priced;

export async function modelPrices(scope: Scope, now = new Date()): Promise<ModelPrices> {
  const [rows, overrides] = await Promise.all([
    db().$queryRaw<DayRow[]>`
      SELECT ${RunDaySpendTable.model}, to_char(${RunDaySpendTable.day}, 'YYYY-MM-DD') AS day, sum(${RunDaySpendTable.calls})::float8 AS calls, sum(${RunDaySpendTable.inputTokens})::float8 AS "inputTokens",
        sum(${RunDaySpendTable.outputTokens})::float8 AS "outputTokens", sum(${RunDaySpendTable.cacheWriteTokens})::float8 AS "cacheWriteTokens",
        sum(${RunDaySpendTable.cacheReadTokens})::float8 AS "cacheReadTokens", sum(${RunDaySpendTable.costUsd})::float8 AS "costUsd"
      FROM ${RunDaySpendTable.$} WHERE ${RunDaySpendTable.teamId} = ${scope.teamId}::uuid GROUP BY ${RunDaySpendTable.model}, ${RunDaySpendTable.day} ORDER BY ${RunDaySpendTable.model}, day`,
    loadPriceOverrides(db(), scope.teamId),
  ]);
  const unpriced = new Map<string, UnpricedModel>();
  const inUse = new Map<string, ModelInUse>();
  for (const row of rows) {
    const used = inUse.get(row.model) ?? {
      model: row.model,
      calls: 0,
      costUsd: 0,
      lastDay: row.day,
      list: listRates(row.model, now),
      overrideId: overrideInEffect(row.model, now, overrides)?.id ?? null,
    };
    used.calls += row.calls;
    used.costUsd += row.costUsd;
    used.lastDay = row.day;
    inUse.set(row.model, used);
    if (pricedOn(row.model, row.day, overrides)) continue;
    const model = unpriced.get(row.model) ?? {
      model: row.model,
      calls: 0,
      inputTokens: 0,
      outputTokens: 0,
      cacheWriteTokens: 0,
      cacheReadTokens: 0,
      firstDay: row.day,
      lastDay: row.day,
    };
    model.calls += row.calls;
    model.inputTokens += row.inputTokens;
    model.outputTokens += row.outputTokens;
    model.cacheWriteTokens += row.cacheWriteTokens;
    model.cacheReadTokens += row.cacheReadTokens;
    model.lastDay = row.day;
    unpriced.set(row.model, model);
  }
  return {
    unpriced: [...unpriced.values()].sort((a, b) => b.calls - a.calls || a.model.localeCompare(b.model)),
    inUse: [...inUse.values()].sort((a, b) => b.costUsd - a.costUsd || a.model.localeCompare(b.model)),
  };
}
