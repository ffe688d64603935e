/** Periods in a time zone and the forecast, status and spike rules, as the README defines them. */
import { describe, expect, it } from "vitest";
import { budgetStatus, forecastSpend, isSpike, median } from "./forecast";
import { isTimeZone, periodContaining, previousPeriods, restOfToday, zonedToday } from "./periods";

describe("periods", () => {
  it("take today's date in the team's zone", () => {
    const now = new Date("2026-11-30T23:30:00Z");
    expect(zonedToday(now, "UTC")).toBe("2026-11-30");
    expect(zonedToday(now, "Pacific/Auckland")).toBe("2026-12-01");
    expect(zonedToday(new Date("2026-12-01T03:00:00Z"), "America/Los_Angeles")).toBe("2026-11-30");
    expect(restOfToday(new Date("2026-11-30T18:00:00Z"), "UTC")).toBeCloseTo(0.25, 12);
    // 18:00 UTC is 19:00 in Berlin (CET, UTC+1 in winter).
    expect(restOfToday(new Date("2026-11-30T18:00:00Z"), "Europe/Berlin")).toBeCloseTo(5 / 24, 12);
  });

  it("are days, Monday weeks, months and quarters", () => {
    expect(periodContaining("day", "2026-03-07")).toEqual({ start: "2026-03-07", end: "2026-03-07" });
    expect(periodContaining("week", "2026-11-30")).toEqual({ start: "2026-11-30", end: "2026-12-06" }); // a Monday
    expect(periodContaining("week", "2026-12-06")).toEqual({ start: "2026-11-30", end: "2026-12-06" }); // a Sunday
    expect(periodContaining("month", "2028-02-10")).toEqual({ start: "2028-02-01", end: "2028-02-29" });
    expect(periodContaining("month", "2026-12-31")).toEqual({ start: "2026-12-01", end: "2026-12-31" });
    expect(periodContaining("quarter", "2026-12-31")).toEqual({ start: "2026-10-01", end: "2026-12-31" });
    expect(periodContaining("quarter", "2026-01-01")).toEqual({ start: "2026-01-01", end: "2026-03-31" });
    expect(previousPeriods("quarter", "2026-02-15", 2)).toEqual([
      { start: "2025-10-01", end: "2025-12-31" },
      { start: "2025-07-01", end: "2025-09-30" },
    ]);
  });

  it("accept only zones Intl knows", () => {
    expect(isTimeZone("Europe/Berlin")).toBe(true);
    expect(isTimeZone("UTC")).toBe(true);
    expect(isTimeZone("Mars/Olympus")).toBe(false);
    expect(isTimeZone("")).toBe(false);
  });
});

describe("forecast and status", () => {
  it("needs 3 days, then adds the mean rate over the days left, with a one-sd range", () => {
    expect(forecastSpend(5, [1, 2], 10)).toBeNull();
    const forecast = forecastSpend(5, [2, 4, 2, 4], 10)!;
    expect(forecast).toMatchObject({ rateUsd: 3, windowDays: 4 });
    expect(forecast.forecastUsd).toBeCloseTo(35, 12);
    expect(forecast.lowUsd).toBeCloseTo(25, 12);
    expect(forecast.highUsd).toBeCloseTo(45, 12);
    // A spread larger than the mean never forecasts less than what is spent.
    expect(forecastSpend(5, [0, 0, 9], 10)!.lowUsd).toBe(5);
  });

  it("is exceeded, forecast-exceeded, warning or ok, in that order", () => {
    expect(budgetStatus(100, 100, [50, 100], null)).toBe("exceeded");
    expect(budgetStatus(10, 100, [50, 100], 101)).toBe("forecast-exceeded");
    expect(budgetStatus(50, 100, [50, 100], 99)).toBe("warning");
    expect(budgetStatus(49.99, 100, [50, 100], null)).toBe("ok");
    expect(budgetStatus(99, 100, [100], null)).toBe("ok");
  });
});

describe("spikes", () => {
  it("are more than 3x the previous days' median and at least $25", () => {
    expect(median([0, 0, 2, 4])).toBe(1);
    expect(median([5, 1, 3])).toBe(3);
    expect(isSpike(30, [10, 10, 10])).toEqual({ spike: false, medianUsd: 10 });
    expect(isSpike(30.01, [10, 10, 10])).toEqual({ spike: true, medianUsd: 10 });
    expect(isSpike(24.99, [0, 0, 0])).toEqual({ spike: false, medianUsd: 0 });
    expect(isSpike(25, [0, 0, 0])).toEqual({ spike: true, medianUsd: 0 });
  });
});
