/** Entry point to the trace parsers: format detection and one call for every format. */
import type { IngestFormat, TraceFormat } from "../formats";
import type { ParseOptions, TraceEvent } from "../normalized-call";
import { parseAmp } from "./amp";
import { parseClaudeCode } from "./claude-code";
import { parseCodex } from "./codex";
import { parseCopilotCli } from "./copilot-cli";
import { parseGeminiCli } from "./gemini-cli";
import type { ByteSource } from "./lines";
import { parseOpencode, SQLITE_HEADER } from "./opencode";
import { parseQwenCode } from "./qwen-code";

export { type ByteSource, readFileChunks } from "./lines";

const CODEX_LINE_TYPE = /"type"\s*:\s*"(session_meta|turn_context|response_item|event_msg|compacted)"/;
const CLAUDE_ENVELOPE_KEY = /"(sessionId|parentUuid|isSidechain|leafUuid|requestId)"\s*:/;
const CLAUDE_LINE_TYPE = /"type"\s*:\s*"(summary|user|assistant|file-history-snapshot)"/;
/** A native line names its call key and token counts; no Claude Code or Codex line has a callKey. */
const NATIVE_CALL_KEY = /"callKey"\s*:/;
const NATIVE_TOKENS = /"(inputTokens|outputTokens)"\s*:/;
/** An OTLP/JSON export request is one object whose first key is its resource list (possibly pretty-printed). */
const OTLP_JSON_START = /^\s*\{\s*"resource(Spans|Logs)"\s*:/;
/*
 * The agents' records, told by keys no Claude Code or Codex line has at its top level. Every key
 * pattern ends in `"\s*:`, which a key quoted inside a JSON string (`\"key\":`) never matches.
 */
/** Gemini CLI: the session metadata's projectHash, or a model message. */
const GEMINI_LINE = /"projectHash"\s*:|"type"\s*:\s*"gemini"/;
/** Qwen Code: Gemini-style `parts` in the message, usageMetadata, a system line's payload, or a usage_record.jsonl line. */
const QWEN_LINE = /"(usageMetadata|systemPayload|totalLatencyMs)"\s*:|"parts"\s*:\s*\[/;
/** Copilot CLI session state: `{"type":"session.start","data":...}`; its OpenTelemetry export: gen_ai attributes as keys. */
const COPILOT_EVENT = /"type"\s*:\s*"(session|user|assistant|tool|subagent|hook|skill)\.[a-z_.]+"/;
const COPILOT_OTEL = /"gen_ai\.[a-z_.]+"\s*:/;
/** Amp: a thread's id (`T-<uuid>`) or its usage ledger. */
const AMP_THREAD = /"id"\s*:\s*"T-[0-9A-Za-z-]+"|"usageLedger"\s*:/;
/** OpenCode JSON storage: messages and parts name their `sessionID`; sessions are `ses_...` with a projectID. */
const OPENCODE_JSON = /"sessionID"\s*:|"projectID"\s*:/;
/**
 * A quoted key or value without which none of the patterns above (but Claude Code's) can match.
 * Most files are Claude Code, whose lines (up to 256 KB of a file's head) fit none: one scan for
 * these instead of a dozen patterns' scans (format detection was ~0.4 s of a 120 MB import).
 */
const OTHER_FORMAT_MARK =
  /"(?:(?:callKey|payload|projectHash|gemini|usageMetadata|systemPayload|totalLatencyMs|parts|data|usageLedger|sessionID|projectID)"|gen_ai\.|T-)/;

/**
 * Which format the start of a file is in, or null when none. Lines are matched on their text,
 * never parsed, so a first line cut short (the prefix of a line of many MB) still tells; the
 * first line that fits a format decides, Claude Code only when no line fits another: native lines,
 * Gemini CLI's metadata and Qwen Code's lines name a sessionId too, and a pretty-printed Gemini
 * CLI session names it on the line before its projectHash.
 */
export function detectFormat(firstLines: string[]): IngestFormat | null {
  if ((firstLines[0] ?? "").startsWith(SQLITE_HEADER)) return "opencode";
  if (OTLP_JSON_START.test(firstLines.slice(0, 5).join("\n"))) return "otlp-json";
  for (const line of firstLines) {
    const text = line.trim();
    if (text === "" || !OTHER_FORMAT_MARK.test(text)) continue;
    if (NATIVE_CALL_KEY.test(text) && NATIVE_TOKENS.test(text)) return "native";
    if (/"payload"\s*:/.test(text) && CODEX_LINE_TYPE.test(text)) return "codex";
    if (GEMINI_LINE.test(text)) return "gemini-cli";
    if (QWEN_LINE.test(text)) return "qwen-code";
    if (COPILOT_OTEL.test(text) || (COPILOT_EVENT.test(text) && /"data"\s*:/.test(text))) return "copilot-cli";
    if (AMP_THREAD.test(text)) return "amp";
    if (OPENCODE_JSON.test(text)) return "opencode";
  }
  // Claude Code's keys (sessionId, type "user") also occur in other agents' records, so it comes last.
  for (const line of firstLines) {
    const text = line.trim();
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
  switch (format) {
    case "claude-code":
      return parseClaudeCode(stream, fileName, options);
    case "codex":
      return parseCodex(stream, fileName, options);
    case "opencode":
      return parseOpencode(stream, fileName, options);
    case "gemini-cli":
      return parseGeminiCli(stream, fileName, options);
    case "copilot-cli":
      return parseCopilotCli(stream, fileName, options);
    case "amp":
      return parseAmp(stream, fileName, options);
    case "qwen-code":
      return parseQwenCode(stream, fileName, options);
  }
}
