/** Builders for crafted Claude Code and Codex lines used by the parser and analyze tests. */
import type { NormalizedCall, TraceEvent } from "../../normalized-call";

export interface AssistantLineOptions {
  messageId?: string | null;
  requestId?: string | null;
  sessionId?: string;
  model?: string;
  input?: number;
  output?: number;
  cacheRead?: number;
  cacheWrite5m?: number;
  cacheWrite1h?: number;
  /** Omit usage.cache_creation (older versions): all writes are 5m. */
  noSplit?: boolean;
  isSidechain?: boolean;
  agentId?: string;
  timestamp?: string;
  uuid?: string;
  content?: unknown[];
  speed?: "fast";
  cwd?: string;
}

let uuidCounter = 0;

export function assistantLine(options: AssistantLineOptions = {}): string {
  const cacheWrite5m = options.cacheWrite5m ?? 0;
  const cacheWrite1h = options.cacheWrite1h ?? 0;
  return JSON.stringify({
    parentUuid: null,
    isSidechain: options.isSidechain ?? false,
    userType: "external",
    cwd: options.cwd ?? "/home/dev/repo",
    sessionId: options.sessionId ?? "session-1",
    version: "2.1.39",
    gitBranch: "main",
    ...(options.agentId !== undefined ? { agentId: options.agentId } : {}),
    type: "assistant",
    message: {
      model: options.model ?? "claude-sonnet-4-5-20250929",
      ...(options.messageId === null ? {} : { id: options.messageId ?? "msg_1" }),
      type: "message",
      role: "assistant",
      content: options.content ?? [{ type: "text", text: "hello" }],
      stop_reason: null,
      usage: {
        input_tokens: options.input ?? 10,
        cache_creation_input_tokens: cacheWrite5m + cacheWrite1h,
        cache_read_input_tokens: options.cacheRead ?? 0,
        ...(options.noSplit
          ? {}
          : { cache_creation: { ephemeral_5m_input_tokens: cacheWrite5m, ephemeral_1h_input_tokens: cacheWrite1h } }),
        output_tokens: options.output ?? 5,
        ...(options.speed ? { speed: options.speed } : {}),
      },
    },
    ...(options.requestId === null ? {} : { requestId: options.requestId ?? "req_1" }),
    uuid: options.uuid ?? `uuid-${++uuidCounter}`,
    timestamp: options.timestamp ?? "2026-02-10T10:00:00.000Z",
  });
}

export function userToolResultLine(
  toolUseId: string,
  content: string,
  options: { sessionId?: string; isError?: boolean } = {},
): string {
  return JSON.stringify({
    type: "user",
    sessionId: options.sessionId ?? "session-1",
    cwd: "/home/dev/repo",
    message: {
      role: "user",
      content: [{ type: "tool_result", tool_use_id: toolUseId, content, is_error: options.isError ?? false }],
    },
    uuid: `uuid-${++uuidCounter}`,
    timestamp: "2026-02-10T10:00:01.000Z",
  });
}

export function userPromptLine(text: string, sessionId = "session-1"): string {
  return JSON.stringify({
    type: "user",
    sessionId,
    cwd: "/home/dev/repo",
    gitBranch: "main",
    version: "2.1.39",
    message: { role: "user", content: text },
    uuid: `uuid-${++uuidCounter}`,
    timestamp: "2026-02-10T09:59:00.000Z",
  });
}

/** A progress line embedding a copy of a subagent's assistant message, usage included (rule 2). */
export function agentProgressLine(copiedAssistantLine: string): string {
  return JSON.stringify({
    type: "progress",
    sessionId: "session-1",
    data: { type: "agent_progress", message: JSON.parse(copiedAssistantLine) },
    uuid: `uuid-${++uuidCounter}`,
    timestamp: "2026-02-10T10:00:02.000Z",
  });
}

export interface CodexUsage {
  input: number;
  cached: number;
  output: number;
  reasoning: number;
}

const usageJson = (usage: CodexUsage) => ({
  input_tokens: usage.input,
  cached_input_tokens: usage.cached,
  output_tokens: usage.output,
  reasoning_output_tokens: usage.reasoning,
  total_tokens: usage.input + usage.output,
});

export const codexLine = (
  type: string,
  payload: Record<string, unknown>,
  timestamp = "2026-02-23T12:00:00.000Z",
): string => JSON.stringify({ timestamp, type, payload });

export const codexTokenCount = (total: CodexUsage, last: CodexUsage, timestamp?: string): string =>
  codexLine(
    "event_msg",
    { type: "token_count", info: { total_token_usage: usageJson(total), last_token_usage: usageJson(last) } },
    timestamp,
  );

/** A byte source that hands the text over in small pieces, to exercise lines split across chunks. */
export function* chunked(text: string | Buffer, size = 7): Generator<Buffer> {
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text);
  for (let start = 0; start < bytes.length; start += size) yield bytes.subarray(start, start + size);
}

export async function collect(events: AsyncIterable<TraceEvent>): Promise<TraceEvent[]> {
  const all: TraceEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

export const callsOf = (events: TraceEvent[]): NormalizedCall[] =>
  events.flatMap((event) => (event.kind === "call" ? [event.call] : []));
