/**
 * The agents' counting rules the real samples (lib/ingest/agents.test.ts) do not exercise, on
 * records shaped exactly like theirs.
 */
import { describe, expect, it } from "vitest";
import type { TraceFormat } from "../formats";
import type { NormalizedCall, TraceEvent } from "../normalized-call";
import { detectFormat, parseTraceStream } from "./index";

async function parse(format: TraceFormat, text: string, fileName: string): Promise<TraceEvent[]> {
  const events: TraceEvent[] = [];
  for await (const event of parseTraceStream(format, [Buffer.from(text)], fileName, { withDetails: true }))
    events.push(event);
  return events;
}

const callsOf = (events: TraceEvent[]): NormalizedCall[] =>
  events.flatMap((event) => (event.kind === "call" ? [event.call] : []));
const lines = (...records: unknown[]) => `${records.map((record) => JSON.stringify(record)).join("\n")}\n`;

describe("Gemini CLI", () => {
  it("a subagent's session folds into its parent's run, keyed by its own session", async () => {
    const text = lines(
      { sessionId: "child-1", projectHash: "h", startTime: "2026-11-30T10:00:00Z", kind: "subagent" },
      {
        id: "m1",
        timestamp: "2026-11-30T10:00:01Z",
        type: "gemini",
        model: "gemini-3-flash-preview",
        tokens: { input: 100, output: 5, cached: 40, thoughts: 7, tool: 3, total: 115 },
      },
    );
    expect(detectFormat(text.split("\n"))).toBe("gemini-cli");
    const [call] = callsOf(await parse("gemini-cli", text, "demo/chats/parent-9/child-1.jsonl"));
    expect(call).toMatchObject({
      sessionId: "parent-9",
      agentId: "child-1",
      callKey: "child-1:m1",
      uncachedInput: 63,
      cacheRead: 40,
      output: 12,
      reasoning: 7,
    });
  });
});

describe("Qwen Code", () => {
  it("adds thoughts to output only when the total says they are outside it", async () => {
    const base = {
      sessionId: "s",
      timestamp: "2026-11-30T10:00:00Z",
      type: "assistant",
      model: "qwen3-coder-plus",
      message: { role: "model", parts: [] },
    };
    const text = lines(
      {
        ...base,
        uuid: "inside",
        usageMetadata: {
          promptTokenCount: 100,
          candidatesTokenCount: 50,
          thoughtsTokenCount: 20,
          cachedContentTokenCount: 30,
          totalTokenCount: 150,
        },
      },
      {
        ...base,
        uuid: "outside",
        usageMetadata: {
          promptTokenCount: 100,
          candidatesTokenCount: 50,
          thoughtsTokenCount: 20,
          cachedContentTokenCount: 30,
          totalTokenCount: 170,
        },
      },
    );
    const calls = callsOf(await parse("qwen-code", text, "chats/s.jsonl"));
    expect(
      calls.map((call) => [call.callKey, call.uncachedInput, call.cacheRead, call.output, call.reasoning]),
    ).toEqual([
      ["s:inside", 70, 30, 50, 20],
      ["s:outside", 70, 30, 70, 20],
    ]);
  });
});

describe("Copilot CLI", () => {
  it("a shutdown's requests of one model share its counts exactly, the remainder on the first", async () => {
    const text = lines(
      { type: "session.start", timestamp: "2026-04-08T05:00:00Z", data: { sessionId: "s1", context: { cwd: "/w" } } },
      {
        type: "session.shutdown",
        timestamp: "2026-04-08T05:00:10Z",
        data: {
          modelMetrics: {
            "gpt-5.4": {
              requests: { count: 3, cost: 1 },
              usage: { inputTokens: 1000, outputTokens: 100, cacheReadTokens: 700, cacheWriteTokens: 50 },
            },
          },
        },
      },
    );
    const calls = callsOf(await parse("copilot-cli", text, "session-state/s1/events.jsonl"));
    expect(calls.map((call) => [call.uncachedInput, call.cacheRead, call.cacheWrite5m, call.output])).toEqual([
      [84, 234, 18, 34],
      [83, 233, 16, 33],
      [83, 233, 16, 33],
    ]);
    expect(new Set(calls.map((call) => call.callKey)).size).toBe(3);
  });

  it("an OpenTelemetry chat span without a time of its own or of a copy is a line error, not a call at the epoch", async () => {
    const text = lines({
      type: "span",
      traceId: "t",
      spanId: "s",
      name: "chat gpt-5.4",
      attributes: {
        "gen_ai.operation.name": "chat",
        "gen_ai.response.model": "gpt-5.4",
        "gen_ai.usage.input_tokens": 10,
        "gen_ai.usage.output_tokens": 2,
      },
    });
    const events = await parse("copilot-cli", text, "otel/x.jsonl");
    expect(events).toEqual([{ kind: "error", line: 1, message: expect.stringContaining("without a time") }]);
  });
});

describe("Amp", () => {
  it("a message without its own timestamp takes the thread's creation time", async () => {
    const thread = {
      id: "T-1",
      created: Date.parse("2026-01-19T11:00:00Z"),
      messages: [
        {
          role: "assistant",
          messageId: 3,
          usage: {
            model: "claude-haiku-4-5-20251001",
            inputTokens: 1,
            outputTokens: 2,
            cacheReadInputTokens: 3,
            cacheCreationInputTokens: 4,
          },
        },
      ],
    };
    const [call] = callsOf(await parse("amp", JSON.stringify(thread), "threads/T-1.json"));
    expect(call).toMatchObject({
      callKey: "T-1:message:3",
      timestamp: new Date("2026-01-19T11:00:00Z"),
      uncachedInput: 1,
      output: 2,
      cacheRead: 3,
      cacheWrite5m: 4,
    });
  });
});
