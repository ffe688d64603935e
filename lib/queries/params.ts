/**
 * Query-string parameters shared by the read API and the pages, validated with zod; above all the
 * one place that reads days (YYYY-MM-DD, UTC) and date ranges. The API refuses a bad day or a
 * reversed range with 400 and a message naming the parameter; a page shows a corrected range and
 * says why (`correctedDayRange`), so a shared link still opens. Days outside FIRST_DAY..LAST_DAY,
 * such as year 0000, are refused: the database cannot store some of them, and no trace has them.
 */
import { z } from "zod";

/** The earliest and latest day a query may name: wide enough for "all time" (2000-01-01 to 2100-12-31). */
export const FIRST_DAY = "1970-01-01";
export const LAST_DAY = "2199-12-31";
/**
 * The longest range a page shows (ten years): pages draw every day of it. The API takes any range
 * within the bounds: it answers only the days that have data, so a wide range costs nothing more.
 */
export const MAX_PAGE_RANGE_DAYS = 3660;
/** Days of the default range, ending today or at `to`. */
const DEFAULT_RANGE_DAYS = 30;

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

export const isoDaySchema = z.string().superRefine((value, ctx) => {
  const problem = dayProblem(value);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

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

const latest = (a: string, b: string) => (a > b ? a : b);

/** The default range: the 30 days ending at `to` (today when not given). */
function defaultRange(from: string | undefined, to: string | undefined): { from: string; to: string } {
  const end = to ?? todayUtc();
  return { from: from ?? latest(addDays(end, -(DEFAULT_RANGE_DAYS - 1)), FIRST_DAY), to: end };
}

/** An inclusive UTC date range for the API; the last 30 days when not given. Bad days and reversed ranges are a 400. */
export const dateRangeSchema = z
  .object({ from: isoDaySchema.optional(), to: isoDaySchema.optional() })
  .transform(({ from, to }) => defaultRange(from, to))
  .superRefine(({ from, to }, ctx) => {
    if (from > to) ctx.addIssue({ code: "custom", path: ["from"], message: `from (${from}) is after to (${to})` });
  });

export type DateRange = z.output<typeof dateRangeSchema>;

export interface CorrectedRange extends DateRange {
  /** What was wrong with the range asked for and what is shown instead; null when it was fine. */
  correction: string | null;
}

/**
 * A page's range from its URL, repaired rather than refused: a value that is not a day is
 * ignored, a reversed range is swapped, a range longer than ten years is cut to its last ten.
 * `fallback` gives the range when the URL names no usable day.
 */
export function correctedDayRange(params: { from?: unknown; to?: unknown }, fallback: () => DateRange): CorrectedRange {
  const problems: string[] = [];
  const usable = (name: "from" | "to"): string | undefined => {
    const value = params[name];
    if (value === undefined || value === "") return undefined;
    const problem = typeof value === "string" ? dayProblem(value) : "give one date";
    if (problem === null) return value as string;
    problems.push(`${name} ignored (${problem})`);
    return undefined;
  };
  const from = usable("from");
  const to = usable("to");
  let range = from === undefined && to === undefined ? fallback() : defaultRange(from, to);
  if (range.from > range.to) {
    range = { from: range.to, to: range.from };
    problems.push("from was after to, so they were swapped");
  }
  if (daysBetween(range.from, range.to) > MAX_PAGE_RANGE_DAYS) {
    range = { from: addDays(range.to, -(MAX_PAGE_RANGE_DAYS - 1)), to: range.to };
    problems.push(`a page shows at most ${MAX_PAGE_RANGE_DAYS} days (10 years)`);
  }
  const correction = problems.length === 0 ? null : `${problems.join("; ")}: showing ${range.from} to ${range.to}`;
  return { ...range, correction };
}

/**
 * The one "latest data" rule: a page's default range is the `days` days ending today; when nothing
 * was spent in them (traces are often imported long after the work), the `days` days ending on the
 * last day with spend instead, and `note` says so.
 */
export function latestDataRange(
  days: number,
  latestSpendDay: string | null,
  today = todayUtc(),
): DateRange & { note: string | null } {
  const stale = latestSpendDay !== null && latestSpendDay < addDays(today, -(days - 1));
  const to = stale ? latestSpendDay : today;
  const from = latest(addDays(to, -(days - 1)), FIRST_DAY);
  const note = stale
    ? `No spend in the last ${days} days: showing the last ${days} days with data (${from} to ${to})`
    : null;
  return { from, to, note };
}

export function searchParamsObject(url: string | URL): Record<string, string> {
  return Object.fromEntries(new URL(url).searchParams.entries());
}
