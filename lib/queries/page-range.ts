/**
 * The range a dashboard page shows, read the same way on every page that has one (overview,
 * runs, waste, context, compare workflows, reconciliation), and what it says when that is not the
 * range asked for or holds no data:
 * - no range in the address: the page's default days ending today; when they hold no data, the
 *   same number of days up to the latest day with data, and a note saying so;
 * - a bad day, a reversed or an over-long range: repaired (lib/queries/params.ts correctedDayRange),
 *   and the note says what was wrong and what is shown;
 * - a range asked for (a preset such as "This week" on a Monday, or dates) that starts after the
 *   latest day with data is shown as asked, with a note naming that day and a range that has it.
 */

import { addDays, todayUtc } from "@/lib/days";
import { correctedDayRange } from "@/lib/queries/params";

export interface DayRange {
  from: string;
  to: string;
}

export interface RangeNote {
  /** One sentence: what was asked for, what is shown and why. */
  text: string;
  /** A range with data worth one click, and how to name it; null when the page shows it already. */
  suggestion: { label: string; range: DayRange } | null;
}

export interface PageRange extends DayRange {
  note: RangeNote | null;
}

const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** Days ending on `to`, `days` of them. */
export const daysUpTo = (to: string, days: number): DayRange => ({ from: addDays(to, -(days - 1)), to });

/**
 * The note for a range shown as asked that has no data because the latest data is older;
 * `phrase` names the range when a preset chose it ("this week").
 */
export function emptyRangeNote(
  range: DayRange,
  latestDay: string | null,
  days: number,
  phrase?: string,
): RangeNote | null {
  if (latestDay === null || latestDay >= range.from) return null;
  const asked = phrase ? `${phrase} (${range.from} to ${range.to})` : `from ${range.from} to ${range.to}`;
  return {
    text: `No data ${asked}: the latest is from ${latestDay}.`,
    suggestion: { label: `Show the ${days} days up to ${latestDay}`, range: daysUpTo(latestDay, days) },
  };
}

export function pageRange(
  params: { from?: unknown; to?: unknown },
  options: { days: number; latestDay: string | null; today?: string },
): PageRange {
  const today = options.today ?? todayUtc();
  const { days, latestDay } = options;
  const asked = (params.from !== undefined && params.from !== "") || (params.to !== undefined && params.to !== "");
  if (!asked) {
    const range = daysUpTo(today, days);
    if (latestDay === null || latestDay >= range.from) return { ...range, note: null };
    const shown = daysUpTo(latestDay, days);
    return {
      ...shown,
      note: {
        text: `No data in the last ${days} days (${range.from} to ${range.to}): showing the ${days} days up to the latest data, ${shown.from} to ${shown.to}.`,
        suggestion: null,
      },
    };
  }
  const { correction, ...range } = correctedDayRange(params, () => daysUpTo(today, days));
  if (correction) return { ...range, note: { text: `${capitalized(correction)}.`, suggestion: null } };
  return { ...range, note: emptyRangeNote(range, latestDay, days) };
}
