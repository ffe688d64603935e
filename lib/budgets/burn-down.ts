/**
 * The burn-down chart's points for a budget's current period: cumulative spend up to today, then
 * the forecast's central line and range to the period's end (the run-rate added day by day), and
 * the budget line.
 */
import type { BudgetState } from "./budget-state";
import { daysBetween } from "./periods";

export interface BurnDownPoint {
  day: string;
  /** Spend from the period's start through this day; null after today. */
  spentUsd: number | null;
  /** Forecast cumulative spend at the end of this day; null before today or without a forecast. */
  forecastUsd: number | null;
  /** [low, high] of the forecast; null where forecastUsd is. */
  rangeUsd: [number, number] | null;
  budgetUsd: number;
}

export function burnDown(state: BudgetState): BurnDownPoint[] {
  let cumulative = 0;
  return state.days.map(({ day, spentUsd }) => {
    cumulative += spentUsd;
    const forecast = state.forecast;
    const ahead = day >= state.today && forecast ? state.daysLeft - daysBetween(day, state.periodEnd) : null;
    return {
      day,
      spentUsd: day <= state.today ? cumulative : null,
      forecastUsd: ahead === null ? null : state.spentUsd + forecast!.rateUsd * ahead,
      rangeUsd:
        ahead === null
          ? null
          : [
              state.spentUsd + (forecast!.lowUsd - state.spentUsd) * (ahead / state.daysLeft),
              state.spentUsd + (forecast!.highUsd - state.spentUsd) * (ahead / state.daysLeft),
            ],
      budgetUsd: state.amountUsd,
    };
  });
}
