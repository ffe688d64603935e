import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { callsOf, chunked, codexLine, codexTokenCount, collect } from "./__fixtures__/trace-lines";
import { codexFileSessionId, parseCodex } from "./codex";
import { detectFormat } from "./index";

const FILE = "2026/02/23/rollout-2026-02-23T12-00-00-019c8a70-dda7-7f33-98ea-f30553347322.jsonl";
const parse = (text: string, withDetails = false) => collect(parseCodex(chunked(text, 11), FILE, { withDetails }));

describe("Codex parser: counting rules (docs/FORMATS.md)", () => {
  it("skips the null first token_count and re-emitted totals; model comes from turn_context", async () => {
    const first = { input: 1000, cached: 800, output: 100, reasoning: 40 };
    const second = { input: 500, cached: 100, output: 50, reasoning: 0 };
    const total2 = { input: 1500, cached: 900, output: 150, reasoning: 40 };
    const text = [
      codexLine("session_meta", {
        id: "sess-1",
        cwd: "/home/dev/repo",
        cli_version: "0.104.0",
        git: { branch: "main", commit_hash: "abc", repository_url: "https://x/y.git" },
      }),
      codexLine("event_msg", { type: "token_count", info: null }),
      codexLine("turn_context", { model: "gpt-5.3-codex", cwd: "/home/dev/repo" }),
      codexTokenCount(first, first, "2026-02-23T12:00:01.000Z"),
      codexTokenCount(first, first, "2026-02-23T12:00:02.000Z"),
      codexLine("turn_context", { model: "gpt-5.2-codex" }),
      codexTokenCount(total2, second, "2026-02-23T12:00:03.000Z"),
      codexTokenCount(total2, second, "2026-02-23T12:00:04.000Z"),
    ].join("\n");
    const calls = callsOf(await parse(text));
    expect(
      calls.map((call) => [call.callKey, call.model, call.uncachedInput, call.cacheRead, call.output, call.reasoning]),
    ).toEqual([
      ["sess-1:1100", "gpt-5.3-codex", 200, 800, 100, 40],
      ["sess-1:1650", "gpt-5.2-codex", 400, 100, 50, 0],
    ]);
    expect(
      calls.every((call) => call.cacheWrite5m === 0 && call.cacheWrite1h === 0 && call.cwd === "/home/dev/repo"),
    ).toBe(true);
  });

  it("uses the file name's uuid as the session when session_meta is missing", async () => {
    expect(codexFileSessionId(FILE)).toBe("019c8a70-dda7-7f33-98ea-f30553347322");
    const usage = { input: 10, cached: 0, output: 1, reasoning: 0 };
    const [call] = callsOf(await parse(codexTokenCount(usage, usage)));
    expect(call!.sessionId).toBe("019c8a70-dda7-7f33-98ea-f30553347322");
    expect(call!.model).toBe("unknown");
  });

  it("skips unknown line types and reports bad lines", async () => {
    const usage = { input: 10, cached: 0, output: 1, reasoning: 0 };
    const text = [codexLine("something_new", { type: "token_count" }), "{not json", codexTokenCount(usage, usage)].join(
      "\n",
    );
    const events = await parse(text, true);
    expect(callsOf(events)).toHaveLength(1);
    expect(
      events.filter((event) => event.kind === "error").map((event) => event.kind === "error" && event.line),
    ).toEqual([2]);
  });

  it("emits session, tool results and tool uses with details", async () => {
    const usage = { input: 10, cached: 0, output: 1, reasoning: 0 };
    const text = [
      codexLine("session_meta", {
        id: "sess-1",
        cwd: "/r",
        cli_version: "0.104.0",
        git: { branch: "main", commit_hash: "abc", repository_url: "https://x/y.git" },
      }),
      codexLine("event_msg", { type: "user_message", message: "Add a test" }),
      codexLine("response_item", {
        type: "function_call",
        name: "exec_command",
        arguments: JSON.stringify({ cmd: "npm test" }),
        call_id: "call_1",
      }),
      codexTokenCount(usage, usage),
      codexLine("response_item", { type: "function_call_output", call_id: "call_1", output: "ok ".repeat(100) }),
    ].join("\n");
    const events = await parse(text, true);
    const sessions = events.filter((event) => event.kind === "session");
    expect(sessions.at(-1)).toMatchObject({
      sessionId: "sess-1",
      title: "Add a test",
      commitSha: "abc",
      repositoryUrl: "https://x/y.git",
      gitBranch: "main",
    });
    expect(callsOf(events)[0]!.toolUses).toEqual([
      { id: "call_1", name: "exec_command", inputBytes: 18, command: "npm test", filePath: null },
    ]);
    expect(events.find((event) => event.kind === "toolResult")).toMatchObject({
      toolUseId: "call_1",
      outputBytes: 300,
      outputTokensEstimate: 75,
    });
  });
});

describe("Codex parser on real rollouts (fixtures/real/localpush, SOURCES.md)", () => {
  const dir = path.resolve(
    import.meta.dirname,
    "../../../fixtures/real/localpush/src-tauri/tests/fixtures/codex/2026-02-23/raw/sessions",
  );
  const expected: Record<string, [number, number, number, number]> = {
    "12-40-23": [7_204_025, 6_836_352, 36_075, 17_896],
    "12-41-04": [1_751_428, 1_651_968, 14_600, 4_293],
    "12-47-42": [6_740_973, 6_337_024, 36_950, 17_085],
    "13-19-38": [34_469, 3_456, 431, 264],
    "20-34-25": [298_373, 238_848, 1_123, 483],
  };
  for (const [time, [input, cached, output, reasoning]] of Object.entries(expected)) {
    it(`session ${time}`, async () => {
      const file = readdirSync(dir).find((name) => name.includes(`T${time}-`))!;
      const text = readFileSync(path.join(dir, file), "utf8");
      expect(detectFormat(text.split("\n").slice(0, 3))).toBe("codex");
      const calls = callsOf(await collect(parseCodex(chunked(text, 4096), file)));
      const sum = (pick: (call: (typeof calls)[number]) => number) =>
        calls.reduce((total, call) => total + pick(call), 0);
      expect([
        sum((call) => call.uncachedInput + call.cacheRead),
        sum((call) => call.cacheRead),
        sum((call) => call.output),
        sum((call) => call.reasoning),
      ]).toEqual([input, cached, output, reasoning]);
    });
  }
});
