/**
 * Every detector on crafted runs where the waste is known exactly, computed here by hand from
 * list prices: claude-sonnet-4-5 per million tokens $3 input, $3.75 5m cache write, $6 1h write,
 * $0.30 cache read, $15 output.
 */
import { describe, expect, it } from "vitest";
import { detectCacheMisses } from "./cache-miss";
import { detectContextGrowth } from "./context-growth";
import { costAnatomy, phases } from "./cost-anatomy";
import { detectRunWaste } from "./detect-run-waste";
import { detectNoAcceptedOutcome } from "./no-accepted-outcome";
import { detectOversizedToolOutput } from "./oversized-tool-output";
import { detectRepeatedToolOutput } from "./repeated-tool-output";
import { detectRetries } from "./retry";
import type { RunWasteInput, WasteCall, WasteToolCall } from "./types";

const SONNET = "claude-sonnet-4-5-20250929";
const M = 1e6;
const start = Date.parse("2026-02-10T10:00:00Z");
const at = (seconds: number) => new Date(start + seconds * 1000);

let nextId = 1n;
function call(seconds: number, tokens: Partial<WasteCall> = {}): WasteCall {
  const c = {
    id: nextId++,
    agentId: null,
    timestamp: at(seconds),
    model: SONNET,
    speed: "standard" as const,
    uncachedInput: 0,
    cacheRead: 0,
    cacheWrite5m: 0,
    cacheWrite1h: 0,
    output: 0,
    isApiError: false,
    ...tokens,
  };
  const contextTokens = c.uncachedInput + c.cacheRead + c.cacheWrite5m + c.cacheWrite1h;
  const costUsd =
    (c.uncachedInput * 3 + c.cacheRead * 0.3 + c.cacheWrite5m * 3.75 + c.cacheWrite1h * 6 + c.output * 15) / M;
  return { contextTokens, costUsd, ...c };
}
function tool(
  requester: WasteCall,
  name: string,
  summary: string | null,
  outputTokens: number,
  outputHash: string,
  resultAfterSeconds = 1,
): WasteToolCall {
  return {
    id: nextId++,
    callId: requester.id,
    name,
    summary,
    outputTokens,
    outputHash,
    isError: false,
    timestamp: requester.timestamp,
    resultAt: new Date(requester.timestamp.getTime() + resultAfterSeconds * 1000),
  };
}
function run(calls: WasteCall[], toolCalls: WasteToolCall[] = [], extra: Partial<RunWasteInput> = {}): RunWasteInput {
  return {
    runId: "run",
    startedAt: calls[0]!.timestamp,
    endedAt: calls[calls.length - 1]!.timestamp,
    outcome: null,
    costUsd: calls.reduce((s, c) => s + c.costUsd, 0),
    calls,
    toolCalls,
    overrides: [],
    usualContextGrowthPerCall: null,
    ...extra,
  };
}

describe("cache-miss", () => {
  it("finds an idle gap longer than the 5 minute life, and never the first call", () => {
    const first = call(0, { cacheWrite5m: 10_000, uncachedInput: 10 });
    const second = call(60, { cacheRead: 10_000, cacheWrite5m: 500 });
    const late = call(60 + 8 * 60, { cacheWrite5m: 10_600, uncachedInput: 10 });
    const [finding, ...rest] = detectCacheMisses(run([first, second, late]));
    expect(rest).toEqual([]);
    // 10,500 tokens were cached after the second call: written at $3.75 instead of read at $0.30.
    expect(finding!.wastedTokens).toBe(10_500);
    expect(finding!.wastedUsd).toBeCloseTo((10_500 * (3.75 - 0.3)) / M, 12);
    expect(finding!.callIds).toEqual([late.id, second.id]);
    expect(finding!.explanation).toMatch(/8 minutes after the previous call, past the cache's 5-minute life/);
  });

  it("gives 1 hour writes an hour: 30 minutes is no miss, 70 minutes is", () => {
    const first = call(0, { cacheWrite1h: 10_000 });
    expect(detectCacheMisses(run([first, call(30 * 60, { cacheRead: 10_000, cacheWrite1h: 200 })]))).toEqual([]);
    const late = call(70 * 60, { cacheWrite1h: 10_200 });
    const [finding] = detectCacheMisses(run([first, late]));
    expect(finding!.wastedUsd).toBeCloseTo((10_000 * (6 - 0.3)) / M, 12);
    expect(finding!.explanation).toMatch(/1-hour life/);
  });

  it("names a model switch, a compaction and a changed prefix", () => {
    const first = call(0, { cacheWrite5m: 10_000 });
    const switched = call(30, { model: "claude-sonnet-4-20250514", cacheWrite5m: 10_100 });
    expect(detectCacheMisses(run([first, switched]))[0]!.explanation).toMatch(
      /model changed from claude-sonnet-4-5-20250929 to claude-sonnet-4-20250514/,
    );

    const compaction = call(40, { agentId: "acompact-1a2b", cacheWrite5m: 10_000, uncachedInput: 50 });
    const [compacted] = detectCacheMisses(run([call(0, { cacheWrite5m: 10_000 }), compaction]));
    expect(compacted!.explanation).toMatch(/compaction re-sent the conversation/);
    expect(compacted!.wastedUsd).toBeCloseTo((10_000 * 3.45) / M, 12);

    const changed = call(30, { cacheRead: 2_000, cacheWrite5m: 9_000 });
    const [prefix] = detectCacheMisses(run([call(0, { cacheWrite5m: 10_500 }), changed]));
    expect(prefix!.wastedTokens).toBe(8_500);
    expect(prefix!.wastedUsd).toBeCloseTo((8_500 * 3.45) / M, 12);
    expect(prefix!.explanation).toMatch(/changed after its first 2,000 tokens/);

    const rewrittenWhole = call(30, { cacheWrite5m: 10_600 });
    const [fromStart] = detectCacheMisses(run([call(0, { cacheWrite5m: 10_500 }), rewrittenWhole]));
    expect(fromStart!.explanation).toMatch(/changed at its very start/);
    expect(fromStart!.explanation).not.toMatch(/first 0 tokens/);
  });

  it("ignores a context that shrank (compaction, /clear) and shortfalls under 1,024 tokens", () => {
    expect(detectCacheMisses(run([call(0, { cacheWrite5m: 50_000 }), call(30, { cacheWrite5m: 8_000 })]))).toEqual([]);
    expect(
      detectCacheMisses(run([call(0, { cacheWrite5m: 10_000 }), call(30, { cacheRead: 9_000, cacheWrite5m: 1_500 })])),
    ).toEqual([]);
  });
});

describe("repeated-tool-output", () => {
  it("prices a file read twice: the copy's write where it entered, then a cache read per later call", () => {
    const c1 = call(0, { cacheWrite5m: 5_000 });
    const t1 = tool(c1, "Read", "src/app.ts", 1_000, "h-app");
    const c2 = call(10, { cacheRead: 5_000, cacheWrite5m: 1_000 });
    const t2 = tool(c2, "Read", "src/app.ts", 1_000, "h-app");
    const c3 = call(20, { cacheRead: 6_000, cacheWrite5m: 1_000 });
    const c4 = call(30, { cacheRead: 7_000, cacheWrite5m: 100 });
    const c5 = call(40, { cacheRead: 7_100, cacheWrite5m: 100 });
    const [finding, ...rest] = detectRepeatedToolOutput(run([c1, c2, c3, c4, c5], [t1, t2]), new Set());
    expect(rest).toEqual([]);
    expect(finding!.wastedTokens).toBe(3_000);
    expect(finding!.wastedUsd).toBeCloseTo((1_000 * 3.75 + 2 * 1_000 * 0.3) / M, 12);
    expect(finding!.callIds).toEqual([c2.id, c1.id]);
    expect(finding!.explanation).toMatch(/"Read src\/app.ts" returned the same 1,000 tokens/);
  });

  it("does not count a copy read again after a compaction, nor small outputs", () => {
    const c1 = call(0, { cacheWrite5m: 5_000 });
    const t1 = tool(c1, "Read", "a.ts", 1_000, "h");
    const c2 = call(10, { cacheRead: 5_000, cacheWrite5m: 45_000 });
    const c3 = call(20, { cacheWrite5m: 8_000 }); // context fell below half: compacted
    const t2 = tool(c3, "Read", "a.ts", 1_000, "h");
    const c4 = call(30, { cacheRead: 8_000, cacheWrite5m: 1_000 });
    expect(detectRepeatedToolOutput(run([c1, c2, c3, c4], [t1, t2]), new Set())).toEqual([]);
    const small = [tool(c1, "Read", "b.ts", 50, "s"), tool(c2, "Read", "b.ts", 50, "s", 2)];
    expect(detectRepeatedToolOutput(run([c1, c2, call(15, { cacheRead: 50_000 })], small), new Set())).toEqual([]);
  });
});

describe("oversized-tool-output", () => {
  it("prices the output's tokens at the cache read price on every later call", () => {
    const c1 = call(0, { cacheWrite5m: 5_000 });
    const big = tool(c1, "Bash", "cat build.log", 20_000, "log");
    const later = [1, 2, 3, 4].map((i) => call(10 + i * 10, { cacheRead: 25_000 + i * 100, cacheWrite5m: 100 }));
    const entering = call(10, { cacheRead: 5_000, cacheWrite5m: 20_000 });
    const [finding] = detectOversizedToolOutput(run([c1, entering, ...later], [big]));
    expect(finding!.wastedTokens).toBe(80_000);
    expect(finding!.wastedUsd).toBeCloseTo((4 * 20_000 * 0.3) / M, 12);
    expect(finding!.callIds).toEqual([c1.id, entering.id]);
    expect(detectOversizedToolOutput(run([c1, entering, ...later.slice(0, 2)], [big]))).toEqual([]);
  });
});

describe("retry", () => {
  it("counts the same command with the same result: the turn that asked again and the copy it read", () => {
    const c1 = call(0, { cacheWrite5m: 5_000, output: 50 });
    const t1 = tool(c1, "Bash", "npm test", 500, "fail");
    const c2 = call(10, { cacheRead: 5_000, cacheWrite5m: 600, output: 100 });
    const t2 = tool(c2, "Bash", "npm test", 500, "fail");
    const c3 = call(20, { cacheRead: 5_600, cacheWrite5m: 600 });
    const c4 = call(30, { cacheRead: 6_200, cacheWrite5m: 100 });
    const input = run([c1, c2, c3, c4], [t1, t2]);
    const { findings, retryToolIds } = detectRetries(input);
    expect(findings).toHaveLength(1);
    expect(findings[0]!.wastedUsd).toBeCloseTo((100 * 15 + 500 * 3.75 + 500 * 0.3) / M, 12);
    expect(findings[0]!.explanation).toMatch(/"Bash npm test" ran 2 times with the same result/);
    expect([...retryToolIds]).toEqual([t2.id]);
    // Not counted again as a repeated output.
    expect(detectRunWaste(input).map((f) => f.category)).toEqual(["retry"]);
  });

  it("counts a billed API error", () => {
    const error = call(0, { uncachedInput: 1_000, isApiError: true });
    const retry = call(5, { uncachedInput: 1_000 });
    const { findings } = detectRetries(run([error, retry]));
    expect(findings[0]!.wastedUsd).toBeCloseTo((1_000 * 3) / M, 12);
    expect(findings[0]!.callIds).toEqual([error.id, retry.id]);
  });
});

describe("no-accepted-outcome", () => {
  const calls = () => [call(0, { cacheWrite5m: 1_000, output: 100 }), call(10, { cacheRead: 1_000, output: 100 })];
  it("is the whole cost of a rejected run", () => {
    const input = run(calls(), [], { outcome: "REJECTED" });
    const [finding] = detectNoAcceptedOutcome(input);
    expect(finding!.wastedUsd).toBeCloseTo((1_000 * 3.75 + 1_000 * 0.3 + 200 * 15) / M, 12);
    expect(finding!.wastedTokens).toBe(2_200);
  });
  it("is the whole cost of an abandoned run, and nothing for runs with no decision, a proposed or an accepted one", () => {
    expect(detectNoAcceptedOutcome(run(calls(), [], { outcome: "ABANDONED" }))).toHaveLength(1);
    // Unknown is not waste, however old the run: there is no clock in the detector at all.
    for (const outcome of [null, "PROPOSED", "ACCEPTED"])
      expect(detectNoAcceptedOutcome(run(calls(), [], { outcome }))).toEqual([]);
  });
});

describe("context-growth", () => {
  it("prices the context above the project's usual growth at the cache read price", () => {
    const calls = Array.from({ length: 10 }, (_, i) => call(i * 10, { cacheRead: 10_000 + 5_000 * i }));
    const [finding] = detectContextGrowth(run(calls, [], { usualContextGrowthPerCall: 1_000 }), new Map());
    // Excess at call i: 5,000 i - 1,000 i = 4,000 i; summed over i = 0..9: 180,000 tokens.
    expect(finding!.wastedTokens).toBe(180_000);
    expect(finding!.wastedUsd).toBeCloseTo((180_000 * 0.3) / M, 12);
    expect(finding!.explanation).toMatch(/5,000 tokens per call, 5.0 times this project's usual 1,000 tokens/);
    expect(detectContextGrowth(run(calls, [], { usualContextGrowthPerCall: null }), new Map())).toEqual([]);
    expect(detectContextGrowth(run(calls, [], { usualContextGrowthPerCall: 3_000 }), new Map())).toEqual([]);
  });
});

describe("cost anatomy", () => {
  it("classifies calls by the tools they asked for and splits each call's cost exactly", () => {
    const read = call(0, { cacheWrite5m: 5_000, output: 100 });
    const edit = call(30, { cacheRead: 5_000, cacheWrite5m: 2_000, output: 300 });
    const test = call(90, { cacheRead: 7_000, cacheWrite5m: 500, output: 50 });
    const commit = call(100, { cacheRead: 7_500, cacheWrite5m: 500, output: 50 });
    const summary = call(160, { cacheRead: 8_000, cacheWrite5m: 200, output: 400 });
    const tools = [
      tool(read, "Read", "a.ts", 1_500, "a"),
      tool(edit, "Edit", "a.ts", 20, "e"),
      tool(test, "Bash", "npm test", 300, "t"),
      tool(commit, "Bash", "git commit -m x", 30, "c"),
    ];
    const input = run([read, edit, test, commit, summary], tools);
    const anatomy = costAnatomy(input);
    expect(anatomy.phaseUsd.discovery).toBeCloseTo(read.costUsd, 12);
    expect(anatomy.phaseUsd.implementation).toBeCloseTo(edit.costUsd, 12);
    expect(anatomy.phaseUsd.verification).toBeCloseTo(test.costUsd, 12);
    expect(anatomy.phaseUsd.handoff).toBeCloseTo(commit.costUsd + summary.costUsd, 12);
    expect(anatomy.phaseMs).toMatchObject({
      discovery: 30_000,
      implementation: 60_000,
      verification: 10_000,
      handoff: 60_000,
    });
    expect(anatomy.wallMs).toBe(160_000);
    const causeSum = Object.values(anatomy.causeUsd).reduce((a, b) => a + b, 0);
    expect(causeSum).toBeCloseTo(input.costUsd, 12);
    expect(phases.reduce((sum, phase) => sum + anatomy.phaseUsd[phase], 0)).toBeCloseTo(input.costUsd, 12);
    // The Read output (1,500 tokens) is in the edit call's context of 7,000: that share is tool output.
    expect(anatomy.causeUsd.toolOutput).toBeGreaterThan(0);
  });
});
