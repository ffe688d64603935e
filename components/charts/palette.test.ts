import { describe, expect, it } from "vitest";
import { colorAt, seriesColors } from "./palette";

const models = [
  "claude-opus-4-6",
  "claude-sonnet-4-5-20250929",
  "claude-haiku-4-5-20251001",
  "gpt-5",
  "gpt-5-codex",
  "gpt-5-mini",
  "gemini-2.5-pro",
  "qwen3-coder-plus",
];

describe("seriesColors", () => {
  it("gives every series of a chart its own colour, even past the palette's size", () => {
    for (const count of [2, 8, 16, 40]) {
      const keys = Array.from({ length: count }, (_, i) => `owner-${i}@example.com`);
      expect(new Set(seriesColors(keys).values()).size).toBe(count);
    }
    expect(new Set(seriesColors(models).values()).size).toBe(models.length);
  });

  it("gives a set of keys the same colours whatever their order", () => {
    expect(seriesColors([...models].reverse())).toEqual(seriesColors(models));
  });

  it("keeps a key's colour when charted beside keys that do not take it", () => {
    const alone = seriesColors(["claude-opus-4-6"]).get("claude-opus-4-6");
    expect(seriesColors(["claude-opus-4-6", "unallocated", "other"]).get("claude-opus-4-6")).toBe(alone);
  });

  it("keeps greys for unallocated and other, never a series colour", () => {
    const colors = seriesColors([...models, "unallocated", "other"]);
    expect(colors.get("unallocated")).toBe("#a7b0ba");
    expect(colors.get("other")).toBe("#cfd6dd");
    expect(models.map((model) => colors.get(model))).not.toContain("#a7b0ba");
  });
});

describe("colorAt", () => {
  it("gives the first sixteen positions distinct colours", () => {
    expect(new Set(Array.from({ length: 16 }, (_, i) => colorAt(i))).size).toBe(16);
  });
});
