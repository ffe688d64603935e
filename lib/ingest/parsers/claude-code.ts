/**
 * Claude Code transcripts (docs/FORMATS.md, "Claude Code transcripts"): one JSON object per line;
 * assistant lines carry the usage of one API response, written once per content block.
 */
import { isUtf8 } from "node:buffer";
import { createHash } from "node:crypto";
import {
  capUtf8,
  type NormalizedCall,
  type ParseOptions,
  type SessionEvent,
  SUMMARY_MAX_CHARS,
  TITLE_MAX_CHARS,
  type ToolUse,
  type TraceEvent,
  totalTokens,
  truncate,
} from "../normalized-call";
import { referencesInToolOutput } from "../references";
import {
  type ByteSource,
  dateOrNull,
  isRecord,
  MAX_JSON_DEPTH,
  nestedDeeperThan,
  parseJsonLine,
  readLineBatches,
  stringOrNull,
  tokenCount,
} from "./lines";

const SYNTHETIC_MODEL = "<synthetic>";
const USAGE_MARKER = Buffer.from('"usage"');
const CONTENT_START = Buffer.from('"role":"assistant","content":[');
const CONTENT_END = Buffer.from('],"stop_reason":');

/**
 * Totals need nothing from an assistant message's content (text, thinking, tool inputs: most of
 * the line's bytes), so it is cut out before parsing. Quotes inside JSON strings are escaped, so
 * these byte sequences only occur as real keys; anything unexpected (other key orders, a cut that
 * does not parse, bytes that are not UTF-8) falls back to parsing the whole line.
 */
function parseWithoutContent(bytes: Buffer): { value: unknown } | null {
  const start = bytes.indexOf(CONTENT_START);
  if (start === -1) return null;
  const end = bytes.lastIndexOf(CONTENT_END);
  if (end < start) return null;
  const slim = Buffer.concat([bytes.subarray(0, start + CONTENT_START.length), bytes.subarray(end)]);
  if (!isUtf8(slim)) return null;
  try {
    return { value: JSON.parse(slim.toString("utf8")) };
  } catch {
    return null;
  }
}

/** What the file's path says about its run: 2.1.x `<sessionId>/subagents/agent-<id>.jsonl`, 2.0.x `agent-<id>.jsonl`. */
export function claudeFileIdentity(fileName: string): { sessionId: string | null; agentId: string | null } {
  const parts = fileName.split(/[\\/]/);
  const base = parts[parts.length - 1] ?? fileName;
  const stem = base.endsWith(".jsonl") ? base.slice(0, -".jsonl".length) : base;
  const agentId = stem.startsWith("agent-") ? stem.slice("agent-".length) : null;
  if (agentId !== null && parts.length >= 3 && parts[parts.length - 2] === "subagents") {
    return { sessionId: parts[parts.length - 3] ?? null, agentId };
  }
  // 2.0.x subagent files sit beside the session: their lines name the parent session.
  return { sessionId: agentId === null ? stem : null, agentId };
}

interface PendingCall {
  call: NormalizedCall;
  total: number;
  /** The line of the copy kept. */
  line: number;
}

/** Parses one Claude Code transcript. `fileName` is the path relative to its root. */
export async function* parseClaudeCode(
  source: ByteSource,
  fileName: string,
  options: ParseOptions = { withDetails: false },
): AsyncGenerator<TraceEvent> {
  const identity = claudeFileIdentity(fileName);
  const isSubagentFile = identity.agentId !== null;
  // Calls are held until the end of the file: rule 1 needs the last streamed copy of each
  // response. Memory grows with the number of calls, never with the bytes of the file. Rule 3
  // (/btw sidechain copies) is not a property of one file: the copy and its original may sit in
  // different files and arrive apart, so the analyze ledger and the database writer apply it.
  const pending = new Map<string, PendingCall>();
  let sessionEmitted = false;
  let firstSeen: {
    sessionId: string;
    cwd: string | null;
    gitBranch: string | null;
    version: string | null;
    startedAt: Date | null;
  } | null = null;

  // Without details only lines with usage count: the others are passed over unread.
  for await (const batch of readLineBatches(source, options.withDetails ? undefined : USAGE_MARKER)) {
    const events: TraceEvent[] = [];
    for (const line of batch) {
      const parsed = (!options.withDetails && parseWithoutContent(line.bytes)) || parseJsonLine(line.bytes);
      if ("error" in parsed) {
        events.push({ kind: "error", line: line.number, message: parsed.error });
        continue;
      }
      const entry = parsed.value;
      if (!isRecord(entry)) {
        events.push({ kind: "error", line: line.number, message: "line is not a JSON object" });
        continue;
      }
      const sessionId = stringOrNull(entry.sessionId) ?? identity.sessionId;
      if (firstSeen === null && sessionId !== null) {
        firstSeen = {
          sessionId,
          cwd: stringOrNull(entry.cwd),
          gitBranch: stringOrNull(entry.gitBranch),
          version: stringOrNull(entry.version),
          startedAt: dateOrNull(entry.timestamp),
        };
      }
      // Rule 2: progress lines embed copies of subagent messages; only "assistant" lines count.
      if (isAssistantLine(entry)) {
        const result = readAssistantLine(
          entry,
          sessionId,
          identity.agentId,
          fileName,
          line.number,
          options.withDetails,
        );
        if (typeof result === "string") {
          events.push({ kind: "error", line: line.number, message: result });
        } else if (result !== null) {
          if (result.toolInputProblem !== null)
            events.push({ kind: "error", line: line.number, message: result.toolInputProblem });
          mergeCall(pending, result.pending);
        }
      } else if (entry.type === "user" && options.withDetails && sessionId !== null) {
        collectToolResults(entry, sessionId, events);
        if (!sessionEmitted && !isSubagentFile && entry.isSidechain !== true && entry.isMeta !== true) {
          const title = promptText(entry);
          if (title !== null) {
            sessionEmitted = true;
            events.push(sessionEvent(sessionId, entry, title, firstSeen?.startedAt ?? null));
          }
        }
      }
    }
    yield* events;
  }

  for (const { call, line } of pending.values()) yield { kind: "call", line, call };
  if (options.withDetails && !sessionEmitted && !isSubagentFile && firstSeen !== null) {
    yield {
      kind: "session",
      sessionId: firstSeen.sessionId,
      source: "claude-code",
      cwd: firstSeen.cwd,
      gitBranch: firstSeen.gitBranch,
      repositoryUrl: null,
      commitSha: null,
      title: null,
      cliVersion: firstSeen.version,
      startedAt: firstSeen.startedAt,
    };
  }
}

/** Assistant lines; the oldest transcripts have no line type, only the message's role. */
function isAssistantLine(entry: Record<string, unknown>): boolean {
  if (entry.type === "assistant") return true;
  return entry.type === undefined && isRecord(entry.message) && entry.message.role === "assistant";
}

/** Rule 1: keep the copy with the largest token total; tool uses are spread over all copies. */
function mergeCall(pending: Map<string, PendingCall>, candidate: PendingCall): void {
  const existing = pending.get(candidate.call.callKey);
  if (existing === undefined) {
    pending.set(candidate.call.callKey, candidate);
    return;
  }
  const [kept, other] = candidate.total > existing.total ? [candidate, existing] : [existing, candidate];
  // A response has a handful of tool uses at most: a linear search is cheaper than a set per call.
  for (const toolUse of other.call.toolUses) {
    if (!kept.call.toolUses.some((known) => known.id === toolUse.id)) kept.call.toolUses.push(toolUse);
  }
  kept.call.stopReason = candidate.call.stopReason ?? existing.call.stopReason;
  pending.set(kept.call.callKey, kept);
}

/**
 * A call (with what was wrong with its tool inputs, if anything), null when the line is no model
 * call, or the reason the line is unusable.
 */
function readAssistantLine(
  entry: Record<string, unknown>,
  sessionId: string | null,
  fileAgentId: string | null,
  fileName: string,
  lineNumber: number,
  withDetails: boolean,
): { pending: PendingCall; toolInputProblem: string | null } | string | null {
  const message = entry.message;
  if (!isRecord(message) || !isRecord(message.usage)) return null;
  const model = stringOrNull(message.model);
  if (model === SYNTHETIC_MODEL) return null;
  if (model === null) return "assistant message without a model";
  if (sessionId === null) return "assistant line without a sessionId";
  const timestamp = dateOrNull(entry.timestamp);
  if (timestamp === null) return "assistant line without a valid timestamp";

  const usage = message.usage;
  const cacheWriteTotal = tokenCount(usage.cache_creation_input_tokens);
  let cacheWrite5m = cacheWriteTotal;
  let cacheWrite1h = 0;
  if (isRecord(usage.cache_creation)) {
    const split5m = tokenCount(usage.cache_creation.ephemeral_5m_input_tokens);
    cacheWrite1h = tokenCount(usage.cache_creation.ephemeral_1h_input_tokens);
    // The split is authoritative; a total larger than the split keeps the remainder as 5m writes.
    cacheWrite5m = Math.max(split5m, cacheWriteTotal - cacheWrite1h);
  }

  const messageId = stringOrNull(message.id);
  const requestId = stringOrNull(entry.requestId);
  // Rule 4: a message without id counts once per line. The line's uuid names it wherever its file
  // is found and whatever name it arrives under; only a line without one falls back to its place.
  const uuid = stringOrNull(entry.uuid);
  const callKey =
    messageId !== null
      ? `${messageId}:${requestId ?? ""}`
      : uuid !== null
        ? `line:${sessionId}:${uuid}`
        : `line:${fileName}:#${lineNumber}`;
  const { toolUses, problem: toolInputProblem } = withDetails
    ? readToolUses(message.content)
    : { toolUses: [], problem: null };
  const call: NormalizedCall = {
    source: "claude-code",
    callKey,
    messageId,
    sessionId,
    agentId: stringOrNull(entry.agentId) ?? fileAgentId,
    isSidechain: entry.isSidechain === true,
    timestamp,
    model,
    uncachedInput: tokenCount(usage.input_tokens),
    cacheRead: tokenCount(usage.cache_read_input_tokens),
    cacheWrite5m,
    cacheWrite1h,
    output: tokenCount(usage.output_tokens),
    reasoning: 0,
    speed: usage.speed === "fast" ? "fast" : "standard",
    isApiError: entry.isApiErrorMessage === true,
    cwd: stringOrNull(entry.cwd),
    gitBranch: stringOrNull(entry.gitBranch),
    version: stringOrNull(entry.version),
    requestId,
    toolUses,
    stopReason: stringOrNull(message.stop_reason),
  };
  return { pending: { call, total: totalTokens(call), line: lineNumber }, toolInputProblem };
}

/**
 * The tool uses of a response. A tool input nested deeper than MAX_JSON_DEPTH (hostile or broken:
 * JSON.stringify would overflow the stack) keeps its tool use without size or summary; the call
 * still counts (its usage does not depend on it) and the line is reported.
 */
function readToolUses(content: unknown): { toolUses: ToolUse[]; problem: string | null } {
  if (!Array.isArray(content)) return { toolUses: [], problem: null };
  const toolUses: ToolUse[] = [];
  let problem: string | null = null;
  for (const block of content) {
    if (!isRecord(block) || block.type !== "tool_use") continue;
    const id = stringOrNull(block.id);
    if (id === null) continue;
    const name = stringOrNull(block.name) ?? "unknown";
    if (nestedDeeperThan(block.input, MAX_JSON_DEPTH)) {
      problem = `tool input of ${truncate(name, 100)} is nested deeper than ${MAX_JSON_DEPTH} levels: its size and summary are not kept (the call is counted)`;
      toolUses.push({ id, name, inputBytes: 0, command: null, filePath: null });
      continue;
    }
    const input = isRecord(block.input) ? block.input : {};
    const command = stringOrNull(input.command);
    const filePath = stringOrNull(input.file_path) ?? stringOrNull(input.notebook_path) ?? stringOrNull(input.path);
    toolUses.push({
      id,
      name,
      inputBytes: Buffer.byteLength(JSON.stringify(block.input ?? null)),
      command: command === null ? null : truncate(command, SUMMARY_MAX_CHARS),
      filePath: filePath === null ? null : truncate(filePath, SUMMARY_MAX_CHARS),
    });
  }
  return { toolUses, problem };
}

function collectToolResults(entry: Record<string, unknown>, sessionId: string, events: TraceEvent[]): void {
  const message = entry.message;
  if (!isRecord(message) || !Array.isArray(message.content)) return;
  const timestamp = dateOrNull(entry.timestamp);
  for (const block of message.content) {
    if (!isRecord(block) || block.type !== "tool_result") continue;
    const toolUseId = stringOrNull(block.tool_use_id);
    if (toolUseId === null) continue;
    events.push(
      toolResultEvent(sessionId, toolUseId, timestamp, toolResultText(block.content), block.is_error === true),
    );
  }
}

function toolResultText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content.map((part) => (isRecord(part) && typeof part.text === "string" ? part.text : "")).join("");
}

export function toolResultEvent(
  sessionId: string,
  toolUseId: string,
  timestamp: Date | null,
  text: string,
  isError: boolean,
): TraceEvent {
  const outputBytes = Buffer.byteLength(text);
  return {
    kind: "toolResult",
    sessionId,
    toolUseId,
    timestamp,
    outputBytes,
    outputTokensEstimate: Math.round(outputBytes / 4),
    outputHash: createHash("sha256").update(text).digest("hex").slice(0, 32),
    outputText: capUtf8(text),
    isError,
    references: referencesInToolOutput(text),
  };
}

/** The user's own words: not tool results, not command or system wrappers (they start with "<"). */
function promptText(entry: Record<string, unknown>): string | null {
  const message = entry.message;
  if (!isRecord(message)) return null;
  let text: string | null = null;
  if (typeof message.content === "string") {
    text = message.content;
  } else if (Array.isArray(message.content)) {
    const first = message.content.find(
      (block) => isRecord(block) && block.type === "text" && typeof block.text === "string",
    );
    text = isRecord(first) ? stringOrNull(first.text) : null;
  }
  if (text === null) return null;
  const trimmed = text.trim();
  if (trimmed === "" || trimmed.startsWith("<") || trimmed.startsWith("[Request interrupted")) return null;
  return truncate(trimmed, TITLE_MAX_CHARS);
}

function sessionEvent(
  sessionId: string,
  entry: Record<string, unknown>,
  title: string,
  startedAt: Date | null,
): SessionEvent {
  return {
    kind: "session",
    sessionId,
    source: "claude-code",
    cwd: stringOrNull(entry.cwd),
    gitBranch: stringOrNull(entry.gitBranch),
    repositoryUrl: null,
    commitSha: null,
    title,
    cliVersion: stringOrNull(entry.version),
    startedAt: startedAt ?? dateOrNull(entry.timestamp),
  };
}
