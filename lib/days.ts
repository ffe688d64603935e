/**
 * Days (YYYY-MM-DD, UTC): the one place that reads, checks and counts them. Free of zod, so the
 * CLI's `trh analyze` can use it without loading zod's ~40 ms of modules (lib/queries/params.ts
 * builds the query schemas on top of it).
 */

/** The earliest and latest day a query may name: wide enough for "all time" (2000-01-01 to 2100-12-31). */
export const FIRST_DAY = "1970-01-01";
export const LAST_DAY = "2199-12-31";
const DAY_SHAPE = /^\d{4}-\d{2}-\d{2}$/;

/** Why `value` is not a day a query may name, or null when it is one. */
export function dayProblem(value: string): string | null {
  if (!DAY_SHAPE.test(value)) return "a date as YYYY-MM-DD";
  const date = dayStart(value);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value)
    return `${value} is not a calendar date`;
  if (value < FIRST_DAY || value > LAST_DAY) return `a date from ${FIRST_DAY} to ${LAST_DAY}`;
  return null;
}

/** The instant a UTC day (YYYY-MM-DD) starts. */
export function dayStart(day: string): Date {
  return new Date(`${day}T00:00:00Z`);
}

/** The instant after a UTC day: the exclusive end of a range that ends on `day`. */
export function dayAfter(day: string): Date {
  return dayStart(addDays(day, 1));
}

/** The UTC day (YYYY-MM-DD) of an instant. */
export function dayOf(instant: Date | number | string): string {
  return new Date(instant).toISOString().slice(0, 10);
}

export function todayUtc(now = new Date()): string {
  return dayOf(now);
}

export function addDays(day: string, days: number): string {
  const date = dayStart(day);
  date.setUTCDate(date.getUTCDate() + days);
  return dayOf(date);
}

/** Monday of the day's ISO week (UTC), as Postgres' date_trunc('week') gives it. */
export function mondayOf(day: string): string {
  return addDays(day, -((dayStart(day).getUTCDay() + 6) % 7));
}

/** Days from `from` to `to`, both included. */
export function daysBetween(from: string, to: string): number {
  return Math.round((dayStart(to).getTime() - dayStart(from).getTime()) / 86_400_000) + 1;
}
