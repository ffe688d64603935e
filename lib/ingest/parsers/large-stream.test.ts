/**
 * SLOW-ISH (about 2-5 s): a 1 GB Claude Code transcript generated on the fly, never stored, with
 * 4 MB tool-result lines cut across chunks. Checks exact totals and that memory stays bounded.
 */
import { describe, expect, it } from "vitest";
import { assistantLine } from "./__fixtures__/trace-lines";
import { parseClaudeCode } from "./claude-code";

const MB = 1024 * 1024;
const ROUNDS = 256;
const MESSAGES_PER_ROUND = 20;
const HUGE_LINE_BYTES = 4 * MB;

function* oneGigabyte(sampleMemory: () => void): Generator<Buffer> {
  const head = Buffer.from(
    JSON.stringify({
      type: "user",
      sessionId: "big",
      message: { role: "user", content: [{ type: "tool_result", tool_use_id: "t", content: "" }] },
    }).slice(0, -5),
  );
  const body = Buffer.alloc(HUGE_LINE_BYTES, "a");
  const tail = Buffer.from('"}]}}\n');
  for (let round = 0; round < ROUNDS; round++) {
    const lines: string[] = [];
    for (let message = 0; message < MESSAGES_PER_ROUND; message++) {
      const base = {
        sessionId: "big",
        messageId: `msg_${round}_${message}`,
        requestId: "r",
        cacheRead: 1000,
        cacheWrite5m: 10,
      };
      lines.push(assistantLine({ ...base, output: 1 }), assistantLine({ ...base, output: 50 }));
    }
    yield Buffer.from(`${lines.join("\n")}\n`);
    yield head;
    for (let start = 0; start < HUGE_LINE_BYTES; start += MB) yield body.subarray(start, start + MB);
    yield tail;
    sampleMemory();
  }
}

describe("a 1 GB transcript (streamed, generated on the fly)", () => {
  it("gives exact totals with bounded memory", async () => {
    globalThis.gc?.();
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    let calls = 0;
    let output = 0;
    let cacheRead = 0;
    let bytes = 0;
    const source = oneGigabyte(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    });
    const counted = (function* () {
      for (const chunk of source) {
        bytes += chunk.length;
        yield chunk;
      }
    })();
    for await (const event of parseClaudeCode(counted, "proj/big.jsonl")) {
      if (event.kind === "call") {
        calls += 1;
        output += event.call.output;
        cacheRead += event.call.cacheRead;
      } else if (event.kind === "error") {
        throw new Error(`unexpected error event: ${event.message}`);
      }
    }
    expect(bytes).toBeGreaterThan(1e9);
    expect(calls).toBe(ROUNDS * MESSAGES_PER_ROUND);
    expect(output).toBe(ROUNDS * MESSAGES_PER_ROUND * 50);
    expect(cacheRead).toBe(ROUNDS * MESSAGES_PER_ROUND * 1000);
    // A few 4 MB lines in flight at most; a parser holding the file would grow by 1 GB.
    expect(peak - baseline).toBeLessThan(150 * MB);
  }, 120_000);
});
