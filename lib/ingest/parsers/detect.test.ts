/** Format detection (issue 10, point 2): every format the ingest API accepts, told apart by content. */
import { describe, expect, it } from "vitest";
import { assistantLine, codexLine } from "./__fixtures__/trace-lines";
import { detectFormat } from "./index";

const native = JSON.stringify({
  sessionId: "run-1",
  callKey: "c1",
  timestamp: "2026-01-05T10:00:00Z",
  model: "claude-sonnet-4-5",
  inputTokens: 1,
  outputTokens: 1,
});

describe("detectFormat", () => {
  it("tells the four formats apart; a native line is never taken for Claude Code", () => {
    expect(detectFormat([assistantLine()])).toBe("claude-code");
    expect(detectFormat([codexLine("session_meta", { id: "s" })])).toBe("codex");
    expect(detectFormat([native])).toBe("native");
    expect(detectFormat(['{"resourceLogs":[]}'])).toBe("otlp-json");
    expect(detectFormat(["{", '  "resourceSpans": [', "  ]", "}"])).toBe("otlp-json");
  });

  it("looks past lines that fit no format, and reads a first line cut short", () => {
    expect(detectFormat(["{broken", "", native])).toBe("native");
    expect(detectFormat([native.slice(0, native.indexOf("outputTokens") + 14)])).toBe("native");
    expect(detectFormat([assistantLine().slice(0, 80)])).toBe("claude-code");
    expect(detectFormat(['{"hello":"world"}', "plain text"])).toBeNull();
    // A Claude Code line quoting OTLP or native keys in its content stays Claude Code.
    expect(
      detectFormat([
        assistantLine({ content: [{ type: "text", text: '{"resourceSpans":[] "callKey": "inputTokens":' }] }),
      ]),
    ).toBe("claude-code");
  });
});
