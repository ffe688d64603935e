/**
 * The overview's period from its URL: a preset (last 7 days, this week, last week, last 30 days)
 * or a custom from/to, and the previous period of the same length that changes are measured
 * against. With no period in the URL the last 7 days are shown, or, when they hold no spend, the
 * 7 days up to the last day that has some (traces are often imported long after the fact).
 */
import { z } from "zod";
import { stackDimensionSchema } from "@/lib/queries/daily-spend-by-group";
import { addDays, correctedDayRange, daysBetween, latestDataRange, mondayOf, todayUtc } from "@/lib/queries/params";

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

export type OverviewParams = z.output<typeof overviewParamsSchema>;

export interface OverviewPeriod {
  preset: PeriodPreset;
  from: string;
  to: string;
  previousFrom: string;
  previousTo: string;
  days: number;
  /** Set when the range shown is not the one asked for (the default range was empty, or the URL's was repaired), saying why. */
  fallbackNote: string | null;
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
  let range: { from: string; to: string };
  let fallbackNote: string | null = null;
  if (preset === "custom") {
    const corrected = correctedDayRange(params, () => ({ from: addDays(today, -6), to: today }));
    range = { from: corrected.from, to: corrected.to };
    fallbackNote = corrected.correction;
  } else {
    range = presetRange(preset, today);
    // The default preset follows the latest-data rule; a preset the user picked shows what it says.
    if (params.period === undefined) {
      const { note, ...latest } = latestDataRange(7, latestSpendDay, today);
      if (note !== null) {
        range = latest;
        preset = "custom";
        fallbackNote = note;
      }
    }
  }
  const days = daysBetween(range.from, range.to);
  return {
    preset,
    ...range,
    previousFrom: addDays(range.from, -days),
    previousTo: addDays(range.from, -1),
    days,
    fallbackNote,
  };
}
