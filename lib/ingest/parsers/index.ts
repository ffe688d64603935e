/** Entry point to the trace parsers: format detection and one call for every format. */
import type { ParseOptions, TraceEvent } from "../normalized-call";
import { parseClaudeCode } from "./claude-code";
import { parseCodex } from "./codex";
import type { ByteSource } from "./lines";

export { readFileChunks, type ByteSource } from "./lines";

/** The formats with a line parser here (trh analyze reads these two). */
export type TraceFormat = "claude-code" | "codex";
/** Every format `POST /api/v1/ingest` accepts, as content detection tells them apart. */
export type DetectedFormat = TraceFormat | "native" | "otlp-json";

const CODEX_LINE_TYPE = /"type"\s*:\s*"(session_meta|turn_context|response_item|event_msg|compacted)"/;
const CLAUDE_ENVELOPE_KEY = /"(sessionId|parentUuid|isSidechain|leafUuid|requestId)"\s*:/;
const CLAUDE_LINE_TYPE = /"type"\s*:\s*"(summary|user|assistant|file-history-snapshot)"/;
/** A native line names its call key and token counts; no Claude Code or Codex line has a callKey. */
const NATIVE_CALL_KEY = /"callKey"\s*:/;
const NATIVE_TOKENS = /"(inputTokens|outputTokens)"\s*:/;
/** An OTLP/JSON export request is one object whose first key is its resource list (possibly pretty-printed). */
const OTLP_JSON_START = /^\s*\{\s*"resource(Spans|Logs)"\s*:/;

/**
 * Which format the start of a file is in, or null when none. Lines are matched on their text,
 * never parsed, so a first line cut short (the prefix of a line of many MB) still tells; the
 * first line that fits a format decides. Native is tried before Claude Code: both name a sessionId.
 */
export function detectFormat(firstLines: string[]): DetectedFormat | null {
  if (OTLP_JSON_START.test(firstLines.slice(0, 5).join("\n"))) return "otlp-json";
  for (const line of firstLines) {
    const text = line.trim();
    if (text === "") continue;
    if (NATIVE_CALL_KEY.test(text) && NATIVE_TOKENS.test(text)) return "native";
    if (/"payload"\s*:/.test(text) && CODEX_LINE_TYPE.test(text)) return "codex";
    if (CLAUDE_ENVELOPE_KEY.test(text) || CLAUDE_LINE_TYPE.test(text)) return "claude-code";
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
