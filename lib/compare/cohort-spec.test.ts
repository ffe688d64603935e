import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  cohortLabel,
  cohortListSchema,
  escapeCohortValue,
  instructionVersionOf,
  parseCohort,
  tagOf,
} from "./cohort-spec";

describe("cohort specs", () => {
  it("reads every key, combinations, the agent alias and escaped commas", () => {
    expect(parseCohort("model:claude-opus-4-6")).toEqual({
      label: "model:claude-opus-4-6",
      spec: { model: "claude-opus-4-6" },
    });
    expect(parseCohort("agent:codex,after:2026-11-10,project:web\\, mobile")).toEqual({
      label: "source:codex,project:web\\, mobile,after:2026-11-10",
      spec: { source: "codex", project: "web, mobile", after: "2026-11-10" },
    });
    expect(parseCohort("owner:ana@example.com,before:2026-11-10")).toMatchObject({
      spec: { owner: "ana@example.com", before: "2026-11-10" },
    });
    expect(parseCohort("after:2026-11-10,filter:web,instructions:CLAUDE.md@3F2A9C1B,tag:team=a=b")).toEqual({
      label: "tag:team=a=b,instructions:CLAUDE.md@3F2A9C1B,filter:web,after:2026-11-10",
      spec: { tag: "team=a=b", instructions: "CLAUDE.md@3F2A9C1B", filter: "web", after: "2026-11-10" },
    });
    expect(tagOf("team=a=b")).toEqual({ key: "team", value: "a=b" });
    expect(instructionVersionOf("CLAUDE.md@3F2A9C1B")).toEqual({ file: "CLAUDE.md", version: "3f2a9c1b" });
    // Not hex, or too short to be a version: part of the name, any version.
    expect(instructionVersionOf("docs/me@home.md")).toEqual({ file: "docs/me@home.md", version: null });
    expect(instructionVersionOf("CLAUDE.md@abc")).toEqual({ file: "CLAUDE.md@abc", version: null });
  });

  it("refuses what it cannot read, saying why", () => {
    expect(parseCohort("")).toMatch(/at least one clause/);
    expect(parseCohort("model")).toMatch(/is not key:value/);
    expect(parseCohort("tag:team")).toMatch(/tag needs key=value/);
    expect(parseCohort("tag:=web")).toMatch(/tag needs key=value/);
    expect(parseCohort("instructions:@3f2a9c1b")).toMatch(/instructions needs a file/);
    expect(parseCohort("model:a,model:b")).toMatch(/model is given twice/);
    expect(parseCohort("model:")).toMatch(/model needs a value/);
    expect(parseCohort("after:11/10/2026")).toMatch(/after needs a date as YYYY-MM-DD/);
    expect(parseCohort("after:2026-11-10,before:2026-11-10")).toMatch(/leave no day/);
    expect(parseCohort("model:a\\b")).toMatch(/backslash/);
    expect(parseCohort("model:a\u0000")).toMatch(/control characters/);
    expect(parseCohort(`model:${"x".repeat(700)}`)).toMatch(/at most 600 characters/);
    const list = cohortListSchema.safeParse(["model:a", "model:a"]);
    expect(list.success).toBe(false);
    expect(list.error?.issues[0]?.message).toMatch(/given twice/);
  });

  it("round-trips any value through its label", () => {
    fc.assert(
      fc.property(
        fc
          .string({ minLength: 1, maxLength: 80 })
          .filter((v) => v.trim() === v && v !== "" && !/[\u0000-\u001f\u007f]/.test(v)),
        (value) => {
          const parsed = parseCohort(`model:${escapeCohortValue(value)}`);
          expect(parsed).toEqual({ label: cohortLabel({ model: value }), spec: { model: value } });
        },
      ),
    );
  });
});
