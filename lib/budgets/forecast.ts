/**
 * The numbers a budget's status is made of, as pure functions (README "Budgets and alerts" states
 * the same definitions):
 *
 * - Forecast: the run-rate is the mean daily spend of the scope over the last FORECAST_WINDOW_DAYS
 *   complete days before today (days without spend count as $0; days before the scope's first
 *   spend are left out). With fewer than MIN_FORECAST_DAYS such days there is no forecast.
 *   forecast = spent so far + rate x days left (the rest of today plus the whole days after it);
 *   the range uses rate - sd and rate + sd (sd: the window's standard deviation, floored at $0).
 * - Status: exceeded when spent >= amount; else forecast-exceeded when the forecast > amount; else
 *   warning when spent >= the lowest threshold below 100%; else ok.
 * - Spike: a day's spend of an owner or project > SPIKE_FACTOR x the median of its previous
 *   SPIKE_BASELINE_DAYS days (days without spend count as $0) and >= SPIKE_FLOOR_USD.
 */
export const FORECAST_WINDOW_DAYS = 14;
export const MIN_FORECAST_DAYS = 3;
export const SPIKE_FACTOR = 3;
export const SPIKE_BASELINE_DAYS = 14;
export const SPIKE_FLOOR_USD = 25;

export type BudgetStatus = "ok" | "warning" | "exceeded" | "forecast-exceeded";

export interface Forecast {
  forecastUsd: number;
  lowUsd: number;
  highUsd: number;
  /** Mean daily spend of the window. */
  rateUsd: number;
  /** Days the rate came from. */
  windowDays: number;
}

/**
 * `windowSpend`: the scope's spend on each complete day of the window (zeros included), oldest
 * first; `daysLeft`: fractional days from now to the period's end.
 */
export function forecastSpend(spentUsd: number, windowSpend: number[], daysLeft: number): Forecast | null {
  if (windowSpend.length < MIN_FORECAST_DAYS) return null;
  const rate = mean(windowSpend);
  const sd = Math.sqrt(mean(windowSpend.map((x) => (x - rate) ** 2)));
  return {
    forecastUsd: spentUsd + rate * daysLeft,
    lowUsd: spentUsd + Math.max(0, rate - sd) * daysLeft,
    highUsd: spentUsd + (rate + sd) * daysLeft,
    rateUsd: rate,
    windowDays: windowSpend.length,
  };
}

export function budgetStatus(
  spentUsd: number,
  amountUsd: number,
  thresholds: number[],
  forecastUsd: number | null,
): BudgetStatus {
  if (spentUsd >= amountUsd) return "exceeded";
  if (forecastUsd !== null && forecastUsd > amountUsd) return "forecast-exceeded";
  const warnAt = thresholds.filter((t) => t < 100);
  if (warnAt.length > 0 && spentUsd >= (amountUsd * Math.min(...warnAt)) / 100) return "warning";
  return "ok";
}

/** The thresholds (percents) that spend has reached. */
export function crossedThresholds(spentUsd: number, amountUsd: number, thresholds: number[]): number[] {
  return thresholds.filter((t) => spentUsd >= (amountUsd * t) / 100);
}

/** Whether `daySpend` is a spike over `baseline` (the previous days' spend, zeros included). */
export function isSpike(daySpend: number, baseline: number[]): { spike: boolean; medianUsd: number } {
  const medianUsd = median(baseline);
  return { spike: daySpend >= SPIKE_FLOOR_USD && daySpend > SPIKE_FACTOR * medianUsd, medianUsd };
}

function mean(values: number[]): number {
  return values.reduce((sum, x) => sum + x, 0) / values.length;
}

export function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
