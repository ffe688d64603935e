import { describe, expect, it } from "vitest";
import { pageRange } from "./page-range";

const today = "2026-11-30";

describe("pageRange: every page's range and what it says about it", () => {
  it("shows the default days ending today, silently, when they hold data", () => {
    expect(pageRange({}, { days: 30, latestDay: "2026-11-29", today })).toEqual({
      from: "2026-11-01",
      to: "2026-11-30",
      note: null,
    });
  });

  it("falls back to the days up to the latest data when the default is empty, and says so", () => {
    expect(pageRange({ from: "", to: "" }, { days: 30, latestDay: "2026-02-10", today })).toEqual({
      from: "2026-01-12",
      to: "2026-02-10",
      note: {
        text: "No data in the last 30 days (2026-11-01 to 2026-11-30): showing the 30 days up to the latest data, 2026-01-12 to 2026-02-10.",
        suggestion: null,
      },
    });
  });

  it("shows a range asked for as asked; when it starts after the latest data it says so and offers the days with data", () => {
    expect(pageRange({ from: "2026-12-01", to: "2026-12-03" }, { days: 7, latestDay: "2026-11-29", today })).toEqual({
      from: "2026-12-01",
      to: "2026-12-03",
      note: {
        text: "No data from 2026-12-01 to 2026-12-03: the latest is from 2026-11-29.",
        suggestion: { label: "Show the 7 days up to 2026-11-29", range: { from: "2026-11-23", to: "2026-11-29" } },
      },
    });
    // Data inside the range, or no data at all (a new team: the page's own empty state speaks): nothing to say.
    expect(pageRange({ from: "2026-11-01", to: "2026-11-30" }, { days: 7, latestDay: "2026-11-29", today }).note).toBe(
      null,
    );
    expect(pageRange({ from: "2026-12-01", to: "2026-12-02" }, { days: 7, latestDay: null, today }).note).toBe(null);
  });

  it("repairs garbage and reversed ranges and says what it did, as one sentence", () => {
    expect(pageRange({ from: "2026-03-01", to: "2026-01-31" }, { days: 30, latestDay: today, today })).toEqual({
      from: "2026-01-31",
      to: "2026-03-01",
      note: { text: "From was after to, so they were swapped: showing 2026-01-31 to 2026-03-01.", suggestion: null },
    });
    expect(pageRange({ from: "yesterday", to: "2026-01-31" }, { days: 30, latestDay: today, today }).note?.text).toBe(
      "From ignored (a date as YYYY-MM-DD): showing 2026-01-02 to 2026-01-31.",
    );
    expect(pageRange({ from: ["2026-01-01", "2026-02-01"] }, { days: 30, latestDay: today, today }).note?.text).toMatch(
      /^From ignored \(give one date\)/,
    );
  });
});
