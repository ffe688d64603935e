/**
 * Budget periods in the team's time zone. A period is a run of calendar dates (day, Monday-to-Sunday
 * week, month, quarter) of the zone; "today" is the zone's date now. The zone's calendar comes from
 * Intl (the IANA database Node ships), the date arithmetic on plain YYYY-MM-DD dates needs no zone.
 */
import { addDays, dayStart } from "@/lib/days";

export const budgetPeriods = ["day", "week", "month", "quarter"] as const;
export type BudgetPeriod = (typeof budgetPeriods)[number];

/** Whether Intl knows the zone (IANA name such as "Europe/Berlin", or "UTC"). */
export function isTimeZone(zone: string): boolean {
  if (zone.length === 0 || zone.length > 64) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The zone's wall clock at `now`. */
function wallClock(now: Date, zone: string): { date: string; secondsIntoDay: number } {
  let format = formatters.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(zone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(now).map((part) => [part.type, part.value]));
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    secondsIntoDay: Number(parts.hour) * 3600 + Number(parts.minute) * 60 + Number(parts.second),
  };
}

/** Today's date (YYYY-MM-DD) in the zone. */
export function zonedToday(now: Date, zone: string): string {
  return wallClock(now, zone).date;
}

/** How much of today is still ahead in the zone, as a fraction of a day (0..1]. */
export function restOfToday(now: Date, zone: string): number {
  return 1 - wallClock(now, zone).secondsIntoDay / 86_400;
}

/** Whole days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: string, to: string): number {
  return Math.round((dayStart(to).getTime() - dayStart(from).getTime()) / 86_400_000);
}

export interface PeriodDates {
  /** First date of the period. */
  start: string;
  /** Last date of the period (inclusive). */
  end: string;
}

/** The period of kind `period` that contains `date`. */
export function periodContaining(period: BudgetPeriod, date: string): PeriodDates {
  const [year, month] = [Number(date.slice(0, 4)), Number(date.slice(5, 7))];
  const ymd = (y: number, m: number) => new Date(Date.UTC(y, m - 1, 1)).toISOString().slice(0, 10);
  switch (period) {
    case "day":
      return { start: date, end: date };
    case "week": {
      // getUTCDay: 0 is Sunday; weeks start on Monday.
      const weekday = (dayStart(date).getUTCDay() + 6) % 7;
      const start = addDays(date, -weekday);
      return { start, end: addDays(start, 6) };
    }
    case "month":
      return { start: ymd(year, month), end: addDays(ymd(year, month + 1), -1) };
    case "quarter": {
      const first = month - ((month - 1) % 3);
      return { start: ymd(year, first), end: addDays(ymd(year, first + 3), -1) };
    }
  }
}

/** The `count` periods before the one containing `date`, most recent first. */
export function previousPeriods(period: BudgetPeriod, date: string, count: number): PeriodDates[] {
  const result: PeriodDates[] = [];
  let current = periodContaining(period, date);
  for (let i = 0; i < count; i++) {
    current = periodContaining(period, addDays(current.start, -1));
    result.push(current);
  }
  return result;
}
