import { describe, expect, it } from "vitest";
import { contextTokens } from "../normalized-call";
import {
  agentProgressLine,
  assistantLine,
  callsOf,
  chunked,
  collect,
  userPromptLine,
  userToolResultLine,
} from "./__fixtures__/trace-lines";
import { claudeFileIdentity, parseClaudeCode } from "./claude-code";

const parse = (text: string | Buffer, fileName = "session-1.jsonl", withDetails = false) =>
  collect(parseClaudeCode(chunked(text), fileName, { withDetails }));

describe("Claude Code parser: counting rules (docs/FORMATS.md)", () => {
  it("rule 1: streamed copies of one response count once, with the largest total", async () => {
    const lines = [
      assistantLine({
        messageId: "msg_a",
        requestId: "req_a",
        cacheRead: 1000,
        cacheWrite5m: 200,
        output: 1,
        content: [{ type: "thinking", thinking: "x" }],
      }),
      assistantLine({
        messageId: "msg_a",
        requestId: "req_a",
        cacheRead: 1000,
        cacheWrite5m: 200,
        output: 3,
        content: [{ type: "tool_use", id: "toolu_1", name: "Bash", input: { command: "ls" } }],
      }),
      assistantLine({
        messageId: "msg_a",
        requestId: "req_a",
        cacheRead: 1000,
        cacheWrite5m: 200,
        output: 480,
        content: [{ type: "tool_use", id: "toolu_2", name: "Read", input: { file_path: "/a.ts" } }],
      }),
    ];
    const events = await parse(`${lines.join("\n")}\n`, "session-1.jsonl", true);
    const calls = callsOf(events);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ callKey: "msg_a:req_a", cacheRead: 1000, cacheWrite5m: 200, output: 480 });
    // Tool uses are spread over the copies: all of them are kept.
    expect(calls[0]!.toolUses.map((toolUse) => [toolUse.name, toolUse.command, toolUse.filePath])).toEqual([
      ["Read", null, "/a.ts"],
      ["Bash", "ls", null],
    ]);
  });

  it("rule 2: usage copied into progress/agent_progress lines is never counted", async () => {
    const subagentMessage = assistantLine({ messageId: "msg_sub", requestId: "req_sub", output: 900 });
    const text = [assistantLine({ messageId: "msg_main" }), agentProgressLine(subagentMessage)].join("\n");
    const calls = callsOf(await parse(text));
    expect(calls.map((call) => call.callKey)).toEqual(["msg_main:req_1"]);
  });

  it("rule 3: a /btw sidechain copy keeps its message id and sidechain flag for the ledger and the writer to drop", async () => {
    const text = [
      assistantLine({ messageId: "msg_main", requestId: "req_1", output: 50 }),
      assistantLine({ messageId: "msg_main", requestId: "req_btw", output: 50, isSidechain: true }),
      assistantLine({ messageId: "msg_side_only", requestId: "req_2", isSidechain: true }),
    ].join("\n");
    const calls = callsOf(await parse(text));
    expect(calls.map((call) => [call.callKey, call.messageId, call.isSidechain])).toEqual([
      ["msg_main:req_1", "msg_main", false],
      ["msg_main:req_btw", "msg_main", true],
      ["msg_side_only:req_2", "msg_side_only", true],
    ]);
  });

  it("rule 4: messages without an id are counted per line, keyed by session and uuid (else file and line)", async () => {
    const text = [
      assistantLine({ messageId: null, uuid: "u1" }),
      assistantLine({ messageId: null, uuid: "u2" }),
      JSON.stringify({ ...JSON.parse(assistantLine({ messageId: null })), uuid: undefined }),
    ].join("\n");
    const calls = callsOf(await parse(text, "proj/s.jsonl"));
    expect(calls.map((call) => call.callKey)).toEqual([
      "line:session-1:u1",
      "line:session-1:u2",
      "line:proj/s.jsonl:#3",
    ]);
  });

  it("the <synthetic> model is no model call", async () => {
    const calls = callsOf(
      await parse(assistantLine({ model: "<synthetic>", messageId: "msg_err", input: 0, output: 0 })),
    );
    expect(calls).toHaveLength(0);
  });

  it("splits 5m and 1h cache writes; older lines without the split are all 5m", async () => {
    const text = [
      assistantLine({ messageId: "m1", cacheWrite5m: 100, cacheWrite1h: 400 }),
      assistantLine({ messageId: "m2", cacheWrite5m: 300, noSplit: true }),
    ].join("\n");
    const [first, second] = callsOf(await parse(text));
    expect([first!.cacheWrite5m, first!.cacheWrite1h, second!.cacheWrite5m, second!.cacheWrite1h]).toEqual([
      100, 400, 300, 0,
    ]);
    expect(contextTokens(first!)).toBe(10 + 500);
  });

  it("skips unknown line types and keeps going", async () => {
    const text = [
      JSON.stringify({ type: "some-future-type", sessionId: "session-1", usage: { input_tokens: 5 } }),
      JSON.stringify({ type: "summary", summary: "x", leafUuid: "y" }),
      assistantLine({ messageId: "m1" }),
    ].join("\n");
    const events = await parse(text);
    expect(callsOf(events)).toHaveLength(1);
    expect(events.filter((event) => event.kind === "error")).toHaveLength(0);
  });

  it("reports a truncated last line and keeps the calls before it", async () => {
    const good = assistantLine({ messageId: "m1" });
    const truncated = assistantLine({ messageId: "m2" }).slice(0, 120);
    const events = await parse(`${good}\n${truncated}`);
    expect(callsOf(events)).toHaveLength(1);
    expect(events.filter((event) => event.kind === "error")).toEqual([
      { kind: "error", line: 2, message: expect.stringContaining("invalid JSON") },
    ]);
  });

  it("reports a line with bytes that are not UTF-8 and keeps going", async () => {
    const bad = Buffer.concat([
      Buffer.from(assistantLine({ messageId: "m1" }).slice(0, -2)),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"}'),
    ]);
    const text = Buffer.concat([
      Buffer.from(`${assistantLine({ messageId: "m0" })}\n`),
      bad,
      Buffer.from(`\r\n${assistantLine({ messageId: "m2" })}\n`),
    ]);
    const events = await parse(text);
    expect(callsOf(events).map((call) => call.messageId)).toEqual(["m0", "m2"]);
    expect(events.filter((event) => event.kind === "error")).toEqual([
      { kind: "error", line: 2, message: "line is not valid UTF-8" },
    ]);
  });

  it("reads a line of several MB split over many chunks", async () => {
    const big = "x".repeat(6 * 1024 * 1024);
    const text = [
      assistantLine({ messageId: "m1", content: [{ type: "text", text: big }], output: 77 }),
      assistantLine({ messageId: "m2" }),
    ].join("\n");
    const calls = callsOf(await collect(parseClaudeCode(chunked(text, 64 * 1024), "s.jsonl")));
    expect(calls.map((call) => call.output)).toEqual([77, 5]);
  });

  it("marks fast mode and API errors", async () => {
    const text = [assistantLine({ messageId: "m1", speed: "fast", model: "claude-opus-4-6" })].join("\n");
    const [call] = callsOf(await parse(text));
    expect(call!.speed).toBe("fast");
    expect(call!.isApiError).toBe(false);
  });
});

describe("Claude Code parser: run identity", () => {
  it("reads session and agent ids from 2.1.x, 2.0.x and compaction file names", () => {
    expect(claudeFileIdentity("proj/abc.jsonl")).toEqual({ sessionId: "abc", agentId: null });
    expect(claudeFileIdentity("proj/abc/subagents/agent-a12.jsonl")).toEqual({ sessionId: "abc", agentId: "a12" });
    expect(claudeFileIdentity("proj/abc/subagents/agent-acompact-e1f845.jsonl")).toEqual({
      sessionId: "abc",
      agentId: "acompact-e1f845",
    });
    expect(claudeFileIdentity("proj/agent-a12.jsonl")).toEqual({ sessionId: null, agentId: "a12" });
  });

  it("folds a 2.0.x subagent file into the parent session named by its lines", async () => {
    const line = assistantLine({ messageId: "m1", sessionId: "parent-session", isSidechain: true });
    const [call] = callsOf(await parse(line, "proj/agent-a12.jsonl"));
    expect(call).toMatchObject({ sessionId: "parent-session", agentId: "a12", isSidechain: true });
  });
});

describe("Claude Code parser: details", () => {
  it("emits tool results and the session with its first real prompt only when asked", async () => {
    const text = [
      userPromptLine("<command-name>/clear</command-name>"),
      userPromptLine("Fix the failing build please"),
      assistantLine({
        messageId: "m1",
        content: [{ type: "tool_use", id: "toolu_1", name: "Bash", input: { command: "npm test" } }],
      }),
      userToolResultLine("toolu_1", "a".repeat(400), { isError: true }),
    ].join("\n");
    const withDetails = await parse(text, "session-1.jsonl", true);
    const session = withDetails.find((event) => event.kind === "session");
    expect(session).toMatchObject({
      sessionId: "session-1",
      title: "Fix the failing build please",
      cwd: "/home/dev/repo",
      cliVersion: "2.1.39",
    });
    const result = withDetails.find((event) => event.kind === "toolResult");
    expect(result).toMatchObject({ toolUseId: "toolu_1", outputBytes: 400, outputTokensEstimate: 100, isError: true });
    expect(result && "outputHash" in result ? result.outputHash : "").toMatch(/^[0-9a-f]{32}$/);

    const totalsOnly = await parse(text);
    expect(totalsOnly.map((event) => event.kind)).toEqual(["call"]);
  });
});

describe("Claude Code parser: the fast path agrees with the full parse", () => {
  it("gives the same calls with and without details on every real transcript", async () => {
    const { readdirSync, readFileSync } = await import("node:fs");
    const path = await import("node:path");
    const root = path.resolve(import.meta.dirname, "../../../fixtures/real");
    const files = (readdirSync(root, { recursive: true }) as string[]).filter(
      (file) => file.endsWith(".jsonl") && !file.includes("codex") && !file.includes("localpush"),
    );
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const text = readFileSync(path.join(root, file));
      const strip = (events: Awaited<ReturnType<typeof parse>>) =>
        callsOf(events).map(({ toolUses: _toolUses, ...call }) => call);
      expect(strip(await parse(text, file, false))).toEqual(strip(await parse(text, file, true)));
    }
  });
});
