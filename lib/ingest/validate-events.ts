/**
 * The one gate every parser's output passes before it is counted: the writer (upload, push, API,
 * `trh import`, OTLP) and `trh analyze` both read trace events through `validEvents`, so a record
 * refused here is refused everywhere, with its file and line, and the good records around it are
 * kept. Trace content is untrusted; what is cleaned and what is refused, per field:
 *
 * - token counts: whole numbers from 0 to MAX_CALL_TOKENS each and together (no context window is
 *   larger); negative, fractional, non-numeric or larger counts refuse the call;
 * - the call's timestamp: from EARLIEST_TIMESTAMP to a day after now; otherwise the call is refused
 *   (a session's start or a tool result's time outside that range is dropped, the event kept);
 * - identities (session id, call key, model, message id, request id, agent id): a NUL or other
 *   control character, a lone UTF-16 surrogate, an empty session id, call key or model, or more
 *   than MAX_ID_CHARS characters
 *   refuse the call, because cleaning an id could merge two runs or two calls into one;
 * - descriptive text (cwd, branch, title, version, stop reason, tool names and summaries, error
 *   messages): NUL and lone surrogates become U+FFFD and the text is cut to a bounded length (a
 *   cwd to MAX_ID_CHARS: the OS user in it becomes a key);
 * - a session or tool result event whose own ids fail the identity rule is dropped (the calls of
 *   that session are reported).
 */
import {
  type CallEvent,
  capUtf8,
  type NormalizedCall,
  type SessionEvent,
  TOOL_OUTPUT_MAX_BYTES,
  type ToolResultEvent,
  type ToolUse,
  type TraceEvent,
} from "./normalized-call";
import { cleanTags } from "./run-tags";

/** No model reads or writes more in one call (the largest context windows are 1-10M tokens). */
export const MAX_CALL_TOKENS = 10_000_000;
/** No coding agent wrote traces before 2020. */
export const EARLIEST_TIMESTAMP = Date.UTC(2020, 0, 1);
/** Clocks drift and time zones get mixed up; a day ahead is the most a real trace can be. */
const FUTURE_ALLOWANCE_MS = 24 * 60 * 60 * 1000;
export const MAX_ID_CHARS = 512;
const MAX_TEXT_CHARS = 4096;
const MAX_ERROR_CHARS = 500;

const TOKEN_FIELDS = ["uncachedInput", "cacheRead", "cacheWrite5m", "cacheWrite1h", "output", "reasoning"] as const;
/** The call key last: it is often built from the ids before it, which name the problem better. */
const ID_FIELDS = ["sessionId", "model", "messageId", "requestId", "agentId", "callKey"] as const;
const REQUIRED_IDS = new Set<string>(["sessionId", "callKey", "model"]);

/** NUL or any surrogate: the fast test for text; a surrogate may still be half of a valid pair. */
const SUSPECT_CHARACTER = /[\u0000\uD800-\uDFFF]/;
/** The same for ids, with every control character (the writer joins a run's models on U+001F). */
const SUSPECT_ID_CHARACTER = /[\u0000-\u001F\u007F\uD800-\uDFFF]/;
/** A surrogate that is not half of a pair; fixed-width lookarounds keep it linear. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Why a text cannot be stored as an identity, or null when it can. */
export function idProblem(text: string): string | null {
  if (text.length > MAX_ID_CHARS) return `is longer than ${MAX_ID_CHARS} characters`;
  if (!SUSPECT_ID_CHARACTER.test(text)) return null;
  if (text.includes("\u0000")) return "contains a NUL character";
  if (/[\u0001-\u001F\u007F]/.test(text)) return "contains a control character";
  LONE_SURROGATE.lastIndex = 0;
  return LONE_SURROGATE.test(text) ? "contains a lone UTF-16 surrogate (not valid Unicode)" : null;
}

/** Text with NUL and lone surrogates replaced by U+FFFD, cut to `maxChars` without splitting a pair. */
export function cleanText<T extends string | null>(text: T, maxChars = MAX_TEXT_CHARS): T {
  if (text === null) return text;
  let clean: string = text;
  if (clean.length > maxChars) {
    const cut = clean.charCodeAt(maxChars - 1);
    clean = clean.slice(0, cut >= 0xd800 && cut <= 0xdbff ? maxChars - 1 : maxChars);
  }
  if (SUSPECT_CHARACTER.test(clean)) clean = clean.replace(/\u0000/g, "\uFFFD").replace(LONE_SURROGATE, "\uFFFD");
  return clean as T;
}

function timestampProblem(date: Date, now: number): string | null {
  const time = date.getTime();
  if (!Number.isFinite(time)) return "timestamp is not a valid date";
  if (time < EARLIEST_TIMESTAMP)
    return `timestamp ${date.toISOString()} is before ${new Date(EARLIEST_TIMESTAMP).toISOString().slice(0, 10)}`;
  if (time > now + FUTURE_ALLOWANCE_MS) return `timestamp ${date.toISOString()} is in the future`;
  return null;
}

function sensibleDate(date: Date | null, now: number): Date | null {
  return date !== null && timestampProblem(date, now) === null ? date : null;
}

/** Why a call cannot be counted, or null when it can. */
export function callProblem(call: NormalizedCall, now: number = Date.now()): string | null {
  let sum = 0;
  for (const field of TOKEN_FIELDS) {
    const value = call[field];
    if (!Number.isSafeInteger(value) || value < 0)
      return `${field} ${String(value)} is not a whole non-negative token count`;
    if (value > MAX_CALL_TOKENS)
      return `${field} ${value} is beyond any context window (at most ${MAX_CALL_TOKENS} tokens per call)`;
    // reasoning is part of output, not added to it
    if (field !== "reasoning") sum += value;
  }
  if (sum > MAX_CALL_TOKENS)
    return `the call's ${sum} tokens are beyond any context window (at most ${MAX_CALL_TOKENS} tokens per call)`;
  if (call.reasoning > call.output)
    return `reasoning ${call.reasoning} is part of output ${call.output} and cannot exceed it`;
  for (const field of ID_FIELDS) {
    const value = call[field];
    if (value === null) continue;
    if (typeof value !== "string") return `${field} is not text`;
    if (value === "" && REQUIRED_IDS.has(field)) return `${field} is empty`;
    const problem = idProblem(value);
    if (problem !== null) return `${field} ${problem}`;
  }
  if (!(call.timestamp instanceof Date)) return "timestamp is not a date";
  return timestampProblem(call.timestamp, now);
}

function cleanToolUse(use: ToolUse): ToolUse {
  return {
    id: cleanText(use.id, MAX_ID_CHARS),
    name: cleanText(use.name, 256),
    inputBytes: Number.isSafeInteger(use.inputBytes) && use.inputBytes >= 0 ? use.inputBytes : 0,
    command: cleanText(use.command),
    filePath: cleanText(use.filePath),
  };
}

/**
 * A working directory names the OS user (lib/ingest/identities.ts), which is a unique key: Postgres
 * refuses index entries over ~2.7 kB, so it is cut where no real path reaches.
 */
const MAX_CWD_CHARS = MAX_ID_CHARS;

function cleanCall(call: NormalizedCall): NormalizedCall {
  return {
    ...call,
    cwd: cleanText(call.cwd, MAX_CWD_CHARS),
    gitBranch: cleanText(call.gitBranch),
    version: cleanText(call.version, 256),
    stopReason: cleanText(call.stopReason, 256),
    toolUses: call.toolUses.map(cleanToolUse),
  };
}

function cleanSession(event: SessionEvent, now: number): SessionEvent | null {
  if (idProblem(event.sessionId) !== null || event.sessionId === "") return null;
  return {
    ...event,
    cwd: cleanText(event.cwd, MAX_CWD_CHARS),
    gitBranch: cleanText(event.gitBranch),
    repositoryUrl: cleanText(event.repositoryUrl),
    commitSha: cleanText(event.commitSha, 256),
    title: cleanText(event.title),
    cliVersion: cleanText(event.cliVersion, 256),
    startedAt: sensibleDate(event.startedAt, now),
    ...(event.tags ? { tags: cleanTags(event.tags) } : {}),
  };
}

function cleanToolResult(event: ToolResultEvent, now: number): ToolResultEvent | null {
  if (idProblem(event.sessionId) !== null || idProblem(event.toolUseId) !== null) return null;
  return {
    ...event,
    timestamp: sensibleDate(event.timestamp, now),
    // Cleaning can lengthen the text (NUL is 1 byte, U+FFFD 3): capped again after.
    outputText: capUtf8(cleanText(event.outputText, TOOL_OUTPUT_MAX_BYTES)),
    references: event.references.map((reference) => ({
      ...reference,
      value: cleanText(reference.value, MAX_ID_CHARS),
    })),
  };
}

/** One event as it may be counted: cleaned, turned into a line error, or dropped (null). */
export function validEvent(event: TraceEvent, now: number = Date.now()): TraceEvent | null {
  switch (event.kind) {
    case "call": {
      const problem = callProblem(event.call, now);
      if (problem !== null) return { kind: "error", line: event.line, message: `record refused: ${problem}` };
      return { kind: "call", line: event.line, call: cleanCall(event.call) } satisfies CallEvent;
    }
    case "session":
      return cleanSession(event, now);
    case "toolResult":
      return cleanToolResult(event, now);
    case "error":
      return { ...event, message: cleanText(event.message, MAX_ERROR_CHARS) };
  }
}

/** The stream of events as they may be counted (see the module comment). */
export async function* validEvents(
  events: AsyncIterable<TraceEvent> | Iterable<TraceEvent>,
): AsyncGenerator<TraceEvent> {
  const now = Date.now();
  for await (const event of events) {
    const valid = validEvent(event, now);
    if (valid !== null) yield valid;
  }
}
