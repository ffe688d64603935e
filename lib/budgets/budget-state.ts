/**
 * A budget's current period, spend, forecast and status at a moment, from the DailySpend rollup:
 * what the API lists, the page draws and the evaluator alerts on.
 */

import { addDays } from "@/lib/days";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { type BudgetStatus, budgetStatus, FORECAST_WINDOW_DAYS, type Forecast, forecastSpend } from "./forecast";
import { type BudgetPeriod, daysBetween, periodContaining, previousPeriods, restOfToday, zonedToday } from "./periods";
import { type BudgetScopeKind, scopeDailySpend, scopeFirstSpendDay } from "./spend";

/** The stored budget fields the state is computed from. */
export interface BudgetDefinition {
  id: string;
  name: string;
  scopeKind: string;
  scopeValue: string | null;
  period: string;
  amountUsd: { toString(): string } | number;
  thresholds: number[];
}

export interface BudgetState {
  id: string;
  name: string;
  scope: { kind: BudgetScopeKind; value: string | null };
  period: BudgetPeriod;
  amountUsd: number;
  thresholds: number[];
  /** First and last date (inclusive) of the current period in the team's time zone. */
  periodStart: string;
  periodEnd: string;
  spentUsd: number;
  /** Null until MIN_FORECAST_DAYS days of data exist. */
  forecastUsd: number | null;
  forecast: Forecast | null;
  status: BudgetStatus;
  /** Whole days until the next period starts (1 on the period's last day). */
  resetsInDays: number;
  /** Fractional days from now to the period's end: the rest of today and the whole days after it. */
  daysLeft: number;
  today: string;
  /** Every date of the period with that day's spend (0 after today). */
  days: { day: string; spentUsd: number }[];
  /** Earlier periods, most recent first. */
  pastPeriods: { start: string; end: string; spentUsd: number }[];
}

export async function budgetState(
  database: PrismaClient,
  teamId: string,
  budget: BudgetDefinition,
  timeZone: string,
  now: Date,
  pastPeriodCount = 0,
): Promise<BudgetState> {
  const period = budget.period as BudgetPeriod;
  const scope = { kind: budget.scopeKind as BudgetScopeKind, value: budget.scopeValue };
  const amountUsd = Number(budget.amountUsd.toString());
  const today = zonedToday(now, timeZone);
  const { start, end } = periodContaining(period, today);
  const past = previousPeriods(period, today, pastPeriodCount);
  const windowStart = addDays(today, -FORECAST_WINDOW_DAYS);
  const earliest = [start, windowStart, ...past.map((p) => p.start)].sort()[0]!;
  const [daily, firstSpend] = await Promise.all([
    scopeDailySpend(database, teamId, scope, earliest, end),
    scopeFirstSpendDay(database, teamId, scope),
  ]);
  const spendOn = (day: string) => daily.get(day) ?? 0;
  const sumRange = (from: string, to: string) => {
    let sum = 0;
    for (let day = from; day <= to; day = addDays(day, 1)) sum += spendOn(day);
    return sum;
  };

  const days: { day: string; spentUsd: number }[] = [];
  for (let day = start; day <= end; day = addDays(day, 1)) days.push({ day, spentUsd: spendOn(day) });
  const spentUsd = days.reduce((sum, d) => sum + d.spentUsd, 0);

  const window: number[] = [];
  if (firstSpend !== null) {
    const start = [firstSpend, windowStart].sort().at(-1)!; // the later ISO day of the two
    for (let day = start; day < today; day = addDays(day, 1)) window.push(spendOn(day));
  }
  const daysLeft = restOfToday(now, timeZone) + daysBetween(today, end);
  const forecast = forecastSpend(spentUsd, window, daysLeft);
  return {
    id: budget.id,
    name: budget.name,
    scope,
    period,
    amountUsd,
    thresholds: budget.thresholds,
    periodStart: start,
    periodEnd: end,
    spentUsd,
    forecastUsd: forecast?.forecastUsd ?? null,
    forecast,
    status: budgetStatus(spentUsd, amountUsd, budget.thresholds, forecast?.forecastUsd ?? null),
    resetsInDays: daysBetween(today, end) + 1,
    daysLeft,
    today,
    days,
    pastPeriods: past.map((p) => ({ ...p, spentUsd: sumRange(p.start, p.end) })),
  };
}
