/** The validation gate's rules, field by field (the routes' view is in hostile-records.test.ts). */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { NormalizedCall } from "./normalized-call";
import { callProblem, cleanText, MAX_CALL_TOKENS, validEvent } from "./validate-events";

const now = Date.parse("2026-03-01T00:00:00Z");
const call = (overrides: Partial<NormalizedCall> = {}): NormalizedCall => ({
  source: "claude-code",
  callKey: "msg_1:req_1",
  messageId: "msg_1",
  sessionId: "s1",
  agentId: null,
  isSidechain: false,
  timestamp: new Date("2026-02-10T10:00:00Z"),
  model: "claude-sonnet-4-5",
  uncachedInput: 10,
  cacheRead: 100,
  cacheWrite5m: 0,
  cacheWrite1h: 0,
  output: 5,
  reasoning: 0,
  speed: "standard",
  isApiError: false,
  cwd: "/r",
  gitBranch: "main",
  version: null,
  requestId: "req_1",
  toolUses: [],
  stopReason: null,
  ...overrides,
});

describe("validate-events", () => {
  it("accepts a plain call and refuses each impossible field with a message naming it", () => {
    expect(callProblem(call(), now)).toBeNull();
    expect(callProblem(call({ output: MAX_CALL_TOKENS - 110 }), now)).toBeNull();
    const cases: [Partial<NormalizedCall>, RegExp][] = [
      [{ output: MAX_CALL_TOKENS + 1 }, /output 10000001 is beyond any context window/],
      [{ cacheRead: MAX_CALL_TOKENS, uncachedInput: 1 }, /tokens are beyond any context window/],
      [{ uncachedInput: -1 }, /uncachedInput -1 is not a whole non-negative/],
      [{ cacheWrite1h: 0.5 }, /cacheWrite1h 0\.5/],
      [{ cacheWrite5m: Number.NaN }, /cacheWrite5m NaN/],
      [{ reasoning: 6 }, /reasoning 6 is part of output 5/],
      [{ sessionId: "" }, /sessionId is empty/],
      [{ model: "a\u0000b" }, /model contains a NUL/],
      [{ agentId: "\udfff" }, /agentId contains a lone UTF-16 surrogate/],
      [{ model: "opus\u001fsonnet" }, /model contains a control character/],
      [{ callKey: "k".repeat(513) }, /callKey is longer than 512/],
      [{ timestamp: new Date(Number.NaN) }, /not a valid date/],
      [{ timestamp: new Date("2019-12-31T23:59:59Z") }, /before 2020-01-01/],
      [{ timestamp: new Date(now + 25 * 3600_000) }, /in the future/],
    ];
    for (const [overrides, message] of cases)
      expect(callProblem(call(overrides), now), JSON.stringify(overrides)).toMatch(message);
    // A valid pair of surrogates (an emoji) is fine.
    expect(callProblem(call({ model: "model-\ud83d\ude00" }), now)).toBeNull();
  });

  it("turns a refused call into a line error at its line and cleans the text of a kept one", () => {
    expect(validEvent({ kind: "call", line: 7, call: call({ output: -3 }) }, now)).toEqual({
      kind: "error",
      line: 7,
      message: expect.stringMatching(/^record refused: output -3/),
    });
    const kept = validEvent(
      { kind: "call", line: 8, call: call({ gitBranch: "a\u0000b\ud800", cwd: "x".repeat(5000) }) },
      now,
    );
    expect(kept).toMatchObject({ kind: "call", line: 8, call: { gitBranch: "a\uFFFDb\uFFFD" } });
    expect(kept?.kind === "call" && kept.call.cwd?.length).toBe(512);
    expect(
      validEvent(
        {
          kind: "session",
          sessionId: "bad\u0000",
          source: "native",
          cwd: null,
          gitBranch: null,
          repositoryUrl: null,
          commitSha: null,
          title: null,
          cliVersion: null,
          startedAt: null,
        },
        now,
      ),
    ).toBeNull();
  });

  it("cleaned text is always well-formed, NUL-free, bounded, and unchanged when already clean", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 300 }), fc.integer({ min: 1, max: 200 }), (text, max) => {
        const clean = cleanText(text, max);
        expect(clean.length).toBeLessThanOrEqual(max);
        expect(clean.includes("\u0000")).toBe(false);
        expect(clean.isWellFormed()).toBe(true);
        if (text.length <= max && text.isWellFormed() && !text.includes("\u0000")) expect(clean).toBe(text);
      }),
    );
  });
});
