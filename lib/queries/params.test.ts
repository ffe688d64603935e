import { describe, expect, it } from "vitest";
import { dayAfter, dayOf, dayProblem, dayStart, mondayOf, todayUtc } from "@/lib/days";
import { errorResponse } from "@/lib/http/errors";
import { correctedDayRange, dateRangeSchema } from "./params";
import { spendQuerySchema } from "./spend-by-group";

async function refusal(query: Record<string, string>): Promise<{ status: number; message: string }> {
  const parsed = spendQuerySchema.safeParse(query);
  expect(parsed.success, JSON.stringify(query)).toBe(false);
  const response = errorResponse(parsed.error);
  return { status: response.status, message: (await response.json()).error.message };
}

describe("days and ranges of the read API", () => {
  it("reads real days only, within 1970-01-01..2199-12-31", () => {
    expect(dayProblem("2026-02-28")).toBeNull();
    expect(dayProblem("2024-02-29")).toBeNull();
    expect(dayProblem("2026-02-30")).toBe("2026-02-30 is not a calendar date");
    expect(dayProblem("0000-01-01")).toBe("a date from 1970-01-01 to 2199-12-31");
    expect(dayProblem("9999-12-31")).toBe("a date from 1970-01-01 to 2199-12-31");
    expect(dayProblem("2026-1-1")).toBe("a date as YYYY-MM-DD");
    expect(dayProblem("2026-01-01\u0000")).toBe("a date as YYYY-MM-DD");
  });

  it("answers 400 with the parameter named for a bad day and a reversed range, and takes all time", async () => {
    expect(await refusal({ from: "0000-01-01", to: "2026-01-31" })).toEqual({
      status: 400,
      message: "from: a date from 1970-01-01 to 2199-12-31",
    });
    expect(await refusal({ to: "2026-13-01" })).toEqual({
      status: 400,
      message: "to: 2026-13-01 is not a calendar date",
    });
    expect(await refusal({ from: "2026-03-01", to: "2026-01-31" })).toEqual({
      status: 400,
      message: "from: from (2026-03-01) is after to (2026-01-31)",
    });
    expect(await refusal({ from: "2026-01-01", to: "2200-01-01" })).toEqual({
      status: 400,
      message: "to: a date from 1970-01-01 to 2199-12-31",
    });
    expect(dateRangeSchema.parse({ from: "2000-01-01", to: "2100-12-31" })).toEqual({
      from: "2000-01-01",
      to: "2100-12-31",
    });
  });

  it("defaults to the 30 days ending at to, or today", () => {
    expect(dateRangeSchema.parse({ to: "2026-01-31" })).toEqual({ from: "2026-01-02", to: "2026-01-31" });
    expect(dateRangeSchema.parse({}).to).toBe(todayUtc());
    expect(dateRangeSchema.parse({ to: "1970-01-05" })).toEqual({ from: "1970-01-01", to: "1970-01-05" });
  });
});

describe("ranges of pages: corrected, and said so", () => {
  const fallback = () => ({ from: "2026-01-01", to: "2026-01-30" });
  it("keeps a good range as it is", () => {
    expect(correctedDayRange({ from: "2026-01-01", to: "2026-01-31" }, fallback)).toEqual({
      from: "2026-01-01",
      to: "2026-01-31",
      correction: null,
    });
    expect(correctedDayRange({}, fallback)).toEqual({ ...fallback(), correction: null });
  });

  it("ignores days that are no days, swaps reversed ranges and cuts long ones", () => {
    expect(correctedDayRange({ from: "0000-01-01", to: ["2026-01-01", "2026-02-01"] }, fallback)).toEqual({
      ...fallback(),
      correction:
        "from ignored (a date from 1970-01-01 to 2199-12-31); to ignored (give one date): showing 2026-01-01 to 2026-01-30",
    });
    expect(correctedDayRange({ from: "2026-03-01", to: "2026-01-31" }, fallback)).toMatchObject({
      from: "2026-01-31",
      to: "2026-03-01",
    });
    expect(correctedDayRange({ from: "2000-01-01", to: "2099-12-31" }, fallback)).toEqual({
      from: "2089-12-24",
      to: "2099-12-31",
      correction: "a page shows at most 3660 days (10 years): showing 2089-12-24 to 2099-12-31",
    });
  });

  it("reads days at UTC and weeks from Monday (the page-range rule is lib/queries/page-range.ts)", () => {
    expect(dayStart("2026-02-10").toISOString()).toBe("2026-02-10T00:00:00.000Z");
    expect(dayAfter("2026-02-28").toISOString()).toBe("2026-03-01T00:00:00.000Z");
    expect(dayOf(Date.UTC(2026, 1, 10, 23, 59))).toBe("2026-02-10");
    expect(mondayOf("2026-11-29")).toBe("2026-11-23");
    expect(mondayOf("2026-11-30")).toBe("2026-11-30");
  });
});
