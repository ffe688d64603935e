/**
 * Query-string parameters shared by the read API and the pages, validated with zod; above all the
 * one place that reads date ranges (the days themselves: lib/days.ts). The API
 * refuses a bad day or a reversed range with 400 and a message naming the parameter; a page shows
 * a corrected range and says why (`correctedDayRange`), so a shared link still opens. Days outside FIRST_DAY..LAST_DAY,
 * such as year 0000, are refused: the database cannot store some of them, and no trace has them.
 */
import { z } from "zod";
import { addDays, dayProblem, daysBetween, FIRST_DAY, todayUtc } from "@/lib/days";

/**
 * The longest range a page shows (ten years): pages draw every day of it. The API takes any range
 * within the bounds: it answers only the days that have data, so a wide range costs nothing more.
 */
export const MAX_PAGE_RANGE_DAYS = 3660;
/** Days of the default range, ending today or at `to`. */
const DEFAULT_RANGE_DAYS = 30;

export const isoDaySchema = z.string().superRefine((value, ctx) => {
  const problem = dayProblem(value);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

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

export function searchParamsObject(url: string | URL): Record<string, string> {
  return Object.fromEntries(new URL(url).searchParams.entries());
}
