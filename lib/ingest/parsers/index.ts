/** Entry point to the trace parsers: format detection and one call for every format. */
import type { ParseOptions, TraceEvent } from "../normalized-call";
import { parseClaudeCode } from "./claude-code";
import { parseCodex } from "./codex";
import type { ByteSource } from "./lines";

export { readFileChunks, type ByteSource } from "./lines";

export type TraceFormat = "claude-code" | "codex";

const CODEX_LINE_TYPE = /"type"\s*:\s*"(session_meta|turn_context|response_item|event_msg|compacted)"/;
const CLAUDE_ENVELOPE_KEY = /"(sessionId|parentUuid|isSidechain|leafUuid|requestId)"\s*:/;

/**
 * Which format the first lines of a file are in, or null when neither. Lines are matched on their
 * text, never parsed, so a first line cut short (the prefix of a line of many MB) still tells.
 */
export function detectFormat(firstLines: string[]): TraceFormat | null {
  for (const line of firstLines) {
    const text = line.trim();
    if (text === "") continue;
    const hasPayload = /"payload"\s*:/.test(text);
    if (hasPayload && CODEX_LINE_TYPE.test(text)) return "codex";
    if (CLAUDE_ENVELOPE_KEY.test(text) || /"type"\s*:\s*"(summary|user|assistant|file-history-snapshot)"/.test(text)) return "claude-code";
  }
  return null;
}

/** Parses one file's bytes. `fileName` is the path relative to its root (it carries run ids). */
export function parseTraceStream(
  format: TraceFormat,
  stream: ByteSource,
  fileName: string,
  options: ParseOptions = { withDetails: false },
): AsyncGenerator<TraceEvent> {
  return format === "codex" ? parseCodex(stream, fileName, options) : parseClaudeCode(stream, fileName, options);
}
