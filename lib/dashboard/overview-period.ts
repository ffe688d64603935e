/**
 * The overview's period from its URL: a preset (last 7 days, this week, last week, last 30 days)
 * or a custom from/to, and the previous period of the same length that changes are measured
 * against. With no period in the URL the last 7 days are shown, or, when they hold no spend, the
 * 7 days up to the last day that has some (traces are often imported long after the fact).
 */
import { z } from "zod";
import { addDays, daysBetween, mondayOf, todayUtc } from "@/lib/days";
import { stackDimensionSchema } from "@/lib/queries/daily-spend-by-group";
import { type DayRange, emptyRangeNote, pageRange, type RangeNote } from "@/lib/queries/page-range";

export const periodPresets = ["last-7-days", "this-week", "last-week", "last-30-days", "custom"] as const;
export type PeriodPreset = (typeof periodPresets)[number];

export const presetLabels: Record<PeriodPreset, string> = {
  "last-7-days": "Last 7 days",
  "this-week": "This week",
  "last-week": "Last week",
  "last-30-days": "Last 30 days",
  custom: "Custom",
};

/**
 * Unknown or malformed values are dropped rather than refused: a shared link should still open.
 * from and to stay raw here: resolveOverviewPeriod repairs them and says what it changed.
 */
export const overviewParamsSchema = z.object({
  period: z.enum(periodPresets).optional().catch(undefined),
  from: z.string().max(40).optional().catch(undefined),
  to: z.string().max(40).optional().catch(undefined),
  stackBy: stackDimensionSchema.optional().catch(undefined),
  owner: z.string().max(320).optional().catch(undefined),
  project: z.string().max(200).optional().catch(undefined),
  agent: z.string().max(64).optional().catch(undefined),
});

/** How a note names a preset's range ("No data this week"). */
const presetPhrases: Record<Exclude<PeriodPreset, "custom">, string> = {
  "last-7-days": "in the last 7 days",
  "this-week": "this week",
  "last-week": "last week",
  "last-30-days": "in the last 30 days",
};

export type OverviewParams = z.output<typeof overviewParamsSchema>;

export interface OverviewPeriod {
  preset: PeriodPreset;
  from: string;
  to: string;
  previousFrom: string;
  previousTo: string;
  days: number;
  /** Set when the range shown is not the one asked for, or holds no data while older days do, saying why (lib/queries/page-range.ts). */
  note: RangeNote | null;
}

function presetRange(preset: Exclude<PeriodPreset, "custom">, today: string): { from: string; to: string } {
  switch (preset) {
    case "last-7-days":
      return { from: addDays(today, -6), to: today };
    case "this-week":
      return { from: mondayOf(today), to: today };
    case "last-week": {
      const monday = addDays(mondayOf(today), -7);
      return { from: monday, to: addDays(monday, 6) };
    }
    case "last-30-days":
      return { from: addDays(today, -29), to: today };
  }
}

export function resolveOverviewPeriod(
  params: OverviewParams,
  latestSpendDay: string | null,
  today = todayUtc(),
): OverviewPeriod {
  let preset: PeriodPreset = params.period ?? (params.from || params.to ? "custom" : "last-7-days");
  let range: DayRange;
  let note: RangeNote | null;
  if (preset === "custom" || params.period === undefined) {
    // Dates, or nothing at all: the one page-range rule (the last 7 days, else the 7 up to the latest data).
    ({ note, ...range } = pageRange(params, { days: 7, latestDay: latestSpendDay, today }));
    if (note && preset !== "custom") preset = "custom";
  } else {
    // A preset is shown as chosen, even when empty; the note offers the days that have data.
    range = presetRange(preset, today);
    note = emptyRangeNote(range, latestSpendDay, 7, presetPhrases[preset]);
  }
  const days = daysBetween(range.from, range.to);
  return {
    preset,
    ...range,
    previousFrom: addDays(range.from, -days),
    previousTo: addDays(range.from, -1),
    days,
    note,
  };
}
