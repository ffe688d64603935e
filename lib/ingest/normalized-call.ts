/**
 * The one normalized shape every trace parser emits (docs/FORMATS.md, "One normalized record per
 * billable model call"). Token fields follow the Anthropic convention whatever the source:
 * `uncachedInput` excludes cache reads and writes, `output` includes reasoning.
 */

import type { TraceSource } from "./formats";
import type { WorkReference } from "./references";

export type { TraceSource };

/** A tool call the model asked for; only short summaries are kept, never the whole input. */
export interface ToolUse {
  id: string;
  name: string;
  /** Size of the JSON-encoded input in UTF-8 bytes. */
  inputBytes: number;
  /** A shell command, when the tool ran one (truncated to SUMMARY_MAX_CHARS). */
  command: string | null;
  /** The file the tool read or wrote, when it names one (truncated to SUMMARY_MAX_CHARS). */
  filePath: string | null;
}

export interface NormalizedCall {
  source: TraceSource;
  /**
   * Stable identity within a source, the same whether a file is read whole, split or re-read, so
   * a database unique key can de-duplicate: Claude Code `${message.id}:${requestId}` (or
   * `line:${sessionId}:${uuid}` when the message has no id, `line:${fileName}:#${line}` when
   * the line has no uuid either), Codex `${sessionId}:${total_tokens}`,
   * native the caller's key, unique within its session only (the writer's callIdentity pairs it
   * with the session).
   */
  callKey: string;
  /** The provider's message id (Claude Code message.id); null when the source has none. */
  messageId: string | null;
  /** The run: for subagent files the PARENT session, so subagents fold into their parent. */
  sessionId: string;
  /** Subagent id, or null on the main thread. */
  agentId: string | null;
  isSidechain: boolean;
  timestamp: Date;
  /** Exactly as the trace names it. */
  model: string;
  uncachedInput: number;
  cacheRead: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  /** Includes reasoning. */
  output: number;
  /** The part of `output` spent on reasoning (0 when the source does not say). */
  reasoning: number;
  speed: "standard" | "fast";
  isApiError: boolean;
  cwd: string | null;
  gitBranch: string | null;
  version: string | null;
  requestId: string | null;
  toolUses: ToolUse[];
  stopReason: string | null;
}

export interface ToolResultEvent {
  kind: "toolResult";
  sessionId: string;
  toolUseId: string;
  timestamp: Date | null;
  outputBytes: number;
  /** outputBytes / 4, rounded: a rough token count good enough to rank wasteful tool output. */
  outputTokensEstimate: number;
  /** First 32 hex characters of the SHA-256 of the output text: spots repeated identical reads. */
  outputHash: string;
  /** The output text, cut to its first TOOL_OUTPUT_MAX_BYTES (UTF-8): shown as the evidence. */
  outputText: string;
  isError: boolean;
  /** Commits, pull requests and branches the output shows the run produced. */
  references: WorkReference[];
}

export interface SessionEvent {
  kind: "session";
  sessionId: string;
  source: TraceSource;
  cwd: string | null;
  gitBranch: string | null;
  repositoryUrl: string | null;
  commitSha: string | null;
  /** First real user prompt, truncated to TITLE_MAX_CHARS. */
  title: string | null;
  cliVersion: string | null;
  startedAt: Date | null;
  /** Tags the trace gives the run (lib/ingest/run-tags.ts); absent when it gives none. */
  tags?: Record<string, string> | null;
}

/** A line that could not be read; the parser skips it and keeps going. */
export interface LineErrorEvent {
  kind: "error";
  /** 1-based line number in the file. */
  line: number;
  message: string;
}

export interface CallEvent {
  kind: "call";
  /** 1-based line of the record in its file (for OTLP: its position in the request), named when it is refused. */
  line: number;
  call: NormalizedCall;
}

export type TraceEvent = CallEvent | ToolResultEvent | SessionEvent | LineErrorEvent;

export interface ParseOptions {
  /**
   * Also emit toolResult and session events and tool-use summaries. Costs a JSON parse of every
   * line, so totals-only readers (trh analyze) leave it off.
   */
  withDetails: boolean;
}

export const SUMMARY_MAX_CHARS = 500;
export const TITLE_MAX_CHARS = 200;

/** How much of each tool output is stored (64 KiB of UTF-8); its size and hash are of the whole. */
export const TOOL_OUTPUT_MAX_BYTES = 64 * 1024;

/** The first `maxBytes` of `text` in UTF-8, cut between characters. */
export function capUtf8(text: string, maxBytes = TOOL_OUTPUT_MAX_BYTES): string {
  // A UTF-16 unit is at most 3 bytes: short texts need no measuring.
  if (text.length * 3 <= maxBytes || Buffer.byteLength(text) <= maxBytes) return text;
  const cut = Buffer.from(text.slice(0, maxBytes)).subarray(0, maxBytes).toString("utf8");
  // A character cut in two decodes as U+FFFD at the end: drop it.
  return cut.endsWith("\uFFFD") && !text.startsWith(cut) ? cut.slice(0, -1) : cut;
}

/** Tokens the model read for this call: the context size. */
export function contextTokens(call: NormalizedCall): number {
  return call.uncachedInput + call.cacheRead + call.cacheWrite5m + call.cacheWrite1h;
}

/** All billable tokens of a call; used to pick the most complete of several copies of a call. */
export function totalTokens(call: NormalizedCall): number {
  return contextTokens(call) + call.output;
}

export function truncate(text: string, maxChars: number): string {
  return text.length > maxChars ? text.slice(0, maxChars) : text;
}
