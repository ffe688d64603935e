import { describe, expect, it } from "vitest";
import { colorFor } from "./color-for";

describe("colorFor", () => {
  it("gives a key the same colour every time, whatever else is charted", () => {
    expect(colorFor("claude-opus-4-6")).toBe(colorFor("claude-opus-4-6"));
    expect(colorFor("ana@example.com")).toMatch(/^#[0-9a-f]{6}$/);
  });

  it("keeps greys for unallocated and other", () => {
    expect(colorFor("unallocated")).toBe("#a7b0ba");
    expect(colorFor("other")).toBe("#cfd6dd");
    const palette = new Set(["a", "b", "c", "d", "e", "f", "g", "h"].map(colorFor));
    expect(palette.has(colorFor("unallocated"))).toBe(false);
  });
});
