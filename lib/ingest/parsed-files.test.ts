/**
 * The parser thread of `trh import` hands over exactly what parsing in the caller's thread yields:
 * every event of every file in order (across many batches), a bad line's error with its line, and
 * a file that fits no format refused with the same message after the events read before it.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import type { TraceFile } from "../analyze/trace-files";
import type { TraceEvent } from "./normalized-call";
import { ParsedFiles, parserBatchLimits } from "./parsed-files";
import { readFileChunks } from "./parsers";
import { assistantLine, userToolResultLine } from "./parsers/__fixtures__/trace-lines";
import { fileEvents, IngestInputError } from "./trace-body";

async function inThisThread(file: TraceFile): Promise<{ events: TraceEvent[]; refused: string | null }> {
  const events: TraceEvent[] = [];
  try {
    const opened = await fileEvents({
      format: file.format,
      fileName: file.fileName,
      body: { bytes: readFileChunks(file.absolutePath), gzip: file.absolutePath.endsWith(".gz") },
    });
    for await (const event of opened.events) events.push(event);
    return { events, refused: null };
  } catch (error) {
    if (!(error instanceof IngestInputError)) throw error;
    return { events, refused: error.message };
  }
}

async function inParserThread(parsed: ParsedFiles): Promise<{ events: TraceEvent[]; refused: string | null }> {
  const events: TraceEvent[] = [];
  try {
    for await (const event of parsed.events()) events.push(event);
    return { events, refused: null };
  } catch (error) {
    if (!(error instanceof IngestInputError)) throw error;
    return { events, refused: error.message };
  }
}

describe("ParsedFiles", () => {
  it("yields each file's events and refusals as parsing in this thread does", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "trh-parsed-files-"));
    const calls = parserBatchLimits.events * 3 + 17;
    const bigOutput = "x".repeat(8 * 1024);
    const big = Array.from({ length: calls }, (_, i) => [
      assistantLine({
        messageId: `msg_${i}`,
        content: [{ type: "tool_use", id: `tool_${i}`, name: "Bash", input: { command: `echo ${i}` } }],
        timestamp: new Date(Date.UTC(2026, 1, 1 + (i % 20), 10)).toISOString(),
      }),
      // Enough tool output that batches also end on its size, not only on their count.
      userToolResultLine(`tool_${i}`, i % 3 === 0 ? bigOutput : `[main ${String(i).padStart(7, "0")}] commit`),
    ]).flat();
    big.splice(500, 0, "{not json");
    const file = (name: string, content: string | Buffer, format: TraceFile["format"] = "claude-code"): TraceFile => {
      const absolutePath = path.join(dir, name);
      writeFileSync(absolutePath, content);
      return { absolutePath, fileName: name, projectFolder: null, size: Buffer.byteLength(content), format };
    };
    const files = [
      file("big.jsonl", `${big.join("\n")}\n`),
      file("foreign.jsonl", '{"hello":"world"}\n'),
      file("zipped.jsonl.gz", gzipSync(`${assistantLine({ messageId: "gz" })}\n`)),
      file("codex-named-claude.jsonl", '{"timestamp":"2026-02-01T00:00:00Z","type":"session_meta","payload":{}}\n'),
      file("small.jsonl", `${assistantLine({ messageId: "last" })}\n`),
    ];

    const parsed = new ParsedFiles(files);
    try {
      for (const traceFile of files) {
        const expected = await inThisThread(traceFile);
        const got = await inParserThread(parsed);
        expect(got).toEqual(expected);
      }
    } finally {
      await parsed.close();
    }
    const first = await inThisThread(files[0]!);
    expect(first.events.filter((event) => event.kind === "call")).toHaveLength(calls);
    expect(first.events).toContainEqual(expect.objectContaining({ kind: "error", line: 501 }));
    expect((await inThisThread(files[1]!)).refused).toMatch(/no Claude Code, Codex, OTLP or native records/);
    expect((await inThisThread(files[3]!)).refused).toMatch(/looks like codex, not claude-code/);
  });

  it("fails, instead of waiting forever, when a file cannot be read", async () => {
    const missing: TraceFile = {
      absolutePath: path.join(tmpdir(), "trh-no-such-dir", "gone.jsonl"),
      fileName: "gone.jsonl",
      projectFolder: null,
      size: 1,
      format: "claude-code",
    };
    const parsed = new ParsedFiles([missing]);
    try {
      await expect(inParserThread(parsed)).rejects.toThrow(/ENOENT/);
    } finally {
      await parsed.close();
    }
  });
});
