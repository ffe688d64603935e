import { describe, expect, it } from "vitest";
import type { TraceEvent } from "../normalized-call";
import { parseNativeStream } from "./native";

async function parse(text: string, chunkBytes = text.length): Promise<TraceEvent[]> {
  const bytes = Buffer.from(text);
  const chunks: Buffer[] = [];
  for (let start = 0; start < bytes.length; start += chunkBytes) chunks.push(bytes.subarray(start, start + chunkBytes));
  const events: TraceEvent[] = [];
  for await (const event of parseNativeStream(chunks, "calls.jsonl")) events.push(event);
  return events;
}

const line = (fields: Record<string, unknown>) =>
  JSON.stringify({
    sessionId: "run-1",
    callKey: "c1",
    timestamp: "2026-01-05T10:00:00Z",
    model: "claude-sonnet-4-5",
    inputTokens: 1200,
    outputTokens: 300,
    ...fields,
  });

describe("parseNativeStream", () => {
  it("emits a session event for each new session, then the calls", async () => {
    const events = await parse(
      [
        line({
          cwd: "/src/app",
          gitBranch: "main",
          title: "Fix the login bug",
          cacheWriteTokens: 5000,
          cacheWrite1hTokens: 2000,
          cacheReadTokens: 40000,
          reasoningTokens: 120,
          speed: "fast",
        }),
        line({ callKey: "c2", timestamp: "2026-01-05T12:00:00+02:00", agentId: "a1", unknownKey: true }),
        line({ sessionId: "run-2", callKey: "c3" }),
      ].join("\n"),
      7,
    );
    expect(events.map((event) => event.kind)).toEqual(["session", "call", "call", "session", "call"]);
    expect(events[0]).toEqual({
      kind: "session",
      sessionId: "run-1",
      source: "native",
      cwd: "/src/app",
      gitBranch: "main",
      repositoryUrl: null,
      commitSha: null,
      title: "Fix the login bug",
      cliVersion: null,
      startedAt: new Date("2026-01-05T10:00:00Z"),
    });
    expect(events[1]).toEqual({
      kind: "call",
      line: 1,
      call: {
        source: "native",
        callKey: "c1",
        messageId: null,
        sessionId: "run-1",
        agentId: null,
        isSidechain: false,
        timestamp: new Date("2026-01-05T10:00:00Z"),
        model: "claude-sonnet-4-5",
        uncachedInput: 1200,
        cacheRead: 40000,
        cacheWrite5m: 3000,
        cacheWrite1h: 2000,
        output: 300,
        reasoning: 120,
        speed: "fast",
        isApiError: false,
        cwd: "/src/app",
        gitBranch: "main",
        version: null,
        requestId: null,
        toolUses: [],
        stopReason: null,
      },
    });
    expect(events[2]).toMatchObject({
      call: {
        callKey: "c2",
        agentId: "a1",
        isSidechain: true,
        timestamp: new Date("2026-01-05T10:00:00Z"),
        cacheRead: 0,
        cacheWrite5m: 0,
        speed: "standard",
      },
    });
  });

  it("reports bad lines with their line numbers and keeps the good ones", async () => {
    const events = await parse(
      [
        line({}),
        "{not json",
        "",
        line({ callKey: "c2", inputTokens: -1 }),
        line({ callKey: "c3", timestamp: "yesterday" }),
        line({ callKey: "c4", cacheWriteTokens: 10, cacheWrite1hTokens: 11 }),
        line({ callKey: "c5", reasoningTokens: 301 }),
        JSON.stringify({ sessionId: "run-1" }),
        "[1,2]",
        line({ callKey: "c6" }),
      ].join("\r\n"),
    );
    const errors = events.flatMap((event) => (event.kind === "error" ? [event] : []));
    expect(errors.map((error) => error.line)).toEqual([2, 4, 5, 6, 7, 8, 9]);
    expect(errors[0]?.message).toMatch(/invalid JSON/);
    expect(errors[1]?.message).toMatch(/^inputTokens: /);
    expect(errors[2]?.message).toMatch(/^timestamp: /);
    expect(errors[3]?.message).toMatch(/^cacheWrite1hTokens: .*cannot exceed/);
    expect(errors[4]?.message).toMatch(/^reasoningTokens: .*cannot exceed/);
    expect(errors[5]?.message).toMatch(/callKey: .*; timestamp: .*; model: .*; inputTokens: .*; outputTokens: /);
    expect(errors[6]?.message).toMatch(/^line: /);
    expect(events.flatMap((event) => (event.kind === "call" ? [event.call.callKey] : []))).toEqual(["c1", "c6"]);
  });

  it("reads an unterminated last line", async () => {
    const events = await parse(`${line({})}\n${line({ callKey: "c2" })}`);
    expect(events.filter((event) => event.kind === "call")).toHaveLength(2);
  });
});
