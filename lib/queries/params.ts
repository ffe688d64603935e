/** Query-string parameters shared by the read API and the pages, validated with zod. */
import { z } from "zod";

const isoDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "a date as YYYY-MM-DD")
  .refine((value) => !Number.isNaN(Date.parse(`${value}T00:00:00Z`)), "a real calendar date");

export function todayUtc(now = new Date()): string {
  return now.toISOString().slice(0, 10);
}

export function addDays(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** An inclusive UTC date range; the last 30 days when not given. */
export const dateRangeSchema = z
  .object({ from: isoDay.optional(), to: isoDay.optional() })
  .transform(({ from, to }) => {
    const end = to ?? todayUtc();
    return { from: from ?? addDays(end, -29), to: end };
  })
  .refine(({ from, to }) => from <= to, "from must not be after to");

export type DateRange = z.output<typeof dateRangeSchema>;

export function searchParamsObject(url: string | URL): Record<string, string> {
  return Object.fromEntries(new URL(url).searchParams.entries());
}
