import { describe, expect, it } from "vitest";
import { resolveOverviewPeriod } from "./overview-period";

// 2026-11-28 is a Saturday.
const today = "2026-11-28";

describe("overview period", () => {
  it("defaults to the last 7 days with the 7 before as the previous period", () => {
    expect(resolveOverviewPeriod({}, today, today)).toMatchObject({
      from: "2026-11-22",
      to: "2026-11-28",
      previousFrom: "2026-11-15",
      previousTo: "2026-11-21",
      days: 7,
      note: null,
    });
  });

  it("falls back to the last 7 days with data when the default range is empty, and says so", () => {
    const period = resolveOverviewPeriod({}, "2026-02-10", today);
    expect(period).toMatchObject({
      from: "2026-02-04",
      to: "2026-02-10",
      previousFrom: "2026-01-28",
      previousTo: "2026-02-03",
    });
    expect(period.note?.text).toContain("showing the 7 days up to the latest data, 2026-02-04 to 2026-02-10");
    expect(period.preset).toBe("custom");
  });

  it("keeps an explicitly chosen preset even when it is empty, says so and offers the days with data", () => {
    const period = resolveOverviewPeriod({ period: "last-30-days" }, "2026-02-10", today);
    expect(period).toMatchObject({ preset: "last-30-days", from: "2026-10-30", to: "2026-11-28" });
    expect(period.note).toEqual({
      text: "No data in the last 30 days (2026-10-30 to 2026-11-28): the latest is from 2026-02-10.",
      suggestion: { label: "Show the 7 days up to 2026-02-10", range: { from: "2026-02-04", to: "2026-02-10" } },
    });
    // "This week" on a Monday before anything was sent that day.
    const monday = resolveOverviewPeriod({ period: "this-week" }, "2026-11-29", "2026-11-30");
    expect(monday).toMatchObject({ from: "2026-11-30", to: "2026-11-30" });
    expect(monday.note?.text).toBe("No data this week (2026-11-30 to 2026-11-30): the latest is from 2026-11-29.");
  });

  it("knows ISO weeks", () => {
    expect(resolveOverviewPeriod({ period: "this-week" }, today, today)).toMatchObject({
      from: "2026-11-23",
      to: "2026-11-28",
    });
    expect(resolveOverviewPeriod({ period: "last-week" }, today, today)).toMatchObject({
      from: "2026-11-16",
      to: "2026-11-22",
      previousFrom: "2026-11-09",
      previousTo: "2026-11-15",
    });
  });

  it("takes a custom range, and repairs a reversed one", () => {
    expect(resolveOverviewPeriod({ from: "2026-01-01", to: "2026-01-31" }, today, today)).toMatchObject({
      preset: "custom",
      days: 31,
      previousFrom: "2025-12-01",
      previousTo: "2025-12-31",
    });
    const reversed = resolveOverviewPeriod({ from: "2026-03-01", to: "2026-01-31" }, today, today);
    expect(reversed).toMatchObject({ from: "2026-01-31", to: "2026-03-01" });
    expect(reversed.note?.text).toBe("From was after to, so they were swapped: showing 2026-01-31 to 2026-03-01.");
  });

  it("ignores days that are no dates, and cuts absurd ranges, saying so", () => {
    const yearZero = resolveOverviewPeriod({ from: "0000-01-01", to: "2026-01-31" }, today, today);
    expect(yearZero).toMatchObject({ from: "2026-01-02", to: "2026-01-31" });
    expect(yearZero.note?.text).toBe(
      "From ignored (a date from 1970-01-01 to 2199-12-31): showing 2026-01-02 to 2026-01-31.",
    );
    expect(resolveOverviewPeriod({ from: "2026-02-30" }, today, today).note?.text).toContain(
      "From ignored (2026-02-30 is not a calendar date)",
    );
    const decades = resolveOverviewPeriod({ from: "2000-01-01", to: "2026-01-31" }, today, today);
    expect(decades).toMatchObject({ to: "2026-01-31", days: 3660 });
    expect(decades.note?.text).toContain("A page shows at most 3660 days");
  });
});
