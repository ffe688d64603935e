import { describe, expect, it } from "vitest";
import { csvCell, toCsv } from "./csv";

describe("CSV export", () => {
  it("quotes commas, quotes and newlines", () => {
    expect(csvCell('say "hi", then\nleave')).toBe('"say ""hi"", then\nleave"');
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell("a\r\nb")).toBe('"a\r\nb"');
  });

  it("neutralizes cells a spreadsheet would run as formulas", () => {
    expect(csvCell('=HYPERLINK("http://evil")')).toBe('"\'=HYPERLINK(""http://evil"")"');
    expect(csvCell("+1")).toBe("'+1");
    expect(csvCell("-2")).toBe("'-2");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvCell("\tcmd")).toBe("'\tcmd");
  });

  it("keeps our own numbers as numbers, negative ones too, and empties null", () => {
    expect(csvCell(-1.25)).toBe("-1.25");
    expect(csvCell(null)).toBe("");
    expect(csvCell(Number.NaN)).toBe("");
  });

  it("writes a header and CRLF rows", () => {
    expect(
      toCsv(
        ["key", "costUsd"],
        [
          ["a,b", 1],
          ["c", null],
        ],
      ),
    ).toBe('key,costUsd\r\n"a,b",1\r\nc,\r\n');
  });
});
