/**
 * OpenCode (anomalyco/opencode, formerly sst/opencode, MIT), format `opencode`, in either store:
 *
 * 1. SQLite, from v1.2.0: `$XDG_DATA_HOME/opencode/opencode.db` (default
 *    `~/.local/share/opencode`; channel builds `opencode-<channel>.db`; `OPENCODE_DB` overrides,
 *    absolute or relative to the data folder). Tables `session(id, parent_id, directory, title,
 *    version, time_created, ...)`, `message(id, session_id, time_created, data)` and
 *    `part(id, message_id, session_id, data)`, `data` being the JSON message or part without its
 *    ids. Read whole with sql.js (SQLite compiled to WebAssembly). A database in WAL mode is read
 *    as its main file: rows still only in `opencode.db-wal` (not yet checkpointed) are not seen
 *    until OpenCode checkpoints them. Never counted: the `event` table (an event log repeating
 *    copies of messages) and the session's `tokens_*` columns (sums of the messages).
 * 2. JSON files, up to v1.1.x: `storage/message/<sessionID>/msg_*.json` (one message each), beside
 *    `storage/session/<projectID>/ses_*.json` and `storage/part/<messageID>/prt_*.json`. Each file
 *    is read on its own: a message file gives its call, a session file its run's details, a tool
 *    part its output; other files (text parts, projects) give nothing.
 *
 * Counting (checked on stores written by 1.1.65 and 1.18.33 against mocks, fixtures/agents/SOURCES.md):
 * - a call is an `assistant` message whose `tokens` has a value above 0, keyed by its message id
 *   (the same message in a database and in leftover JSON files, which 1.16.0 stopped migrating,
 *   counts once); step-finish parts repeat the tokens: never counted;
 * - `tokens.input` EXCLUDES cache read and write for every provider (OpenCode subtracts them for
 *   those that include them): uncached input = input, cache read = `cache.read`, cache write =
 *   `cache.write` (5-minute: OpenCode does not say);
 * - reasoning moved out of output between the two stores: with the same usage (96 completion
 *   tokens, 41 of them reasoning) 1.1.65 stored output 96, reasoning 41 (its own source:
 *   `output = usage.outputTokens`), 1.18.33 stored output 55, reasoning 41. So output is
 *   `tokens.output` for JSON files and sessions of versions before 1.2, else
 *   `tokens.output + tokens.reasoning`; reasoning is `tokens.reasoning` either way;
 * - model: `<providerID>/<modelID>` (`anthropic/claude-sonnet-4-5`, `openrouter/qwen/qwen3-coder`,
 *   `github-copilot/claude-sonnet-4.5`); the price book prices it with that provider's price when
 *   the table has one, else the model's own, else unpriced (a custom provider's model). OpenCode's
 *   own `cost` (0 for models it cannot price) is not used;
 * - subagent sessions (`parent_id`) fold into their root session's run, the subagent's session id
 *   as agent id (database only: a JSON message file does not name its session's parent).
 * Not stored by OpenCode: the `small_model` calls that write titles and summaries (billed, never
 * recorded as messages).
 */
import type { Database, SqlJsStatic } from "sql.js";
import { type ParseOptions, TITLE_MAX_CHARS, type ToolUse, type TraceEvent, truncate } from "../normalized-call";
import {
  agentCall,
  dateFromMillis,
  outputText,
  readWhole,
  TOO_LARGE_MESSAGE,
  toolUse,
  UNKNOWN_MODEL,
} from "./agent-call";
import { toolResultEvent } from "./claude-code";
import { type ByteSource, isRecord, parseJsonLine, stringOrNull, tokenCount } from "./lines";

/** The first 16 bytes of every SQLite database file. */
export const SQLITE_HEADER = "SQLite format 3\u0000";

let sqlJs: Promise<SqlJsStatic> | null = null;

/** Whether `version` ("1.1.65") is before 1.2, the last line whose output included reasoning. */
function reasoningInsideOutput(version: string | null): boolean {
  if (version === null) return false;
  const match = /^(\d+)\.(\d+)/.exec(version);
  if (match === null) return false;
  const major = Number(match[1]);
  return major < 1 || (major === 1 && Number(match[2]) < 2);
}

export async function* parseOpencode(
  source: ByteSource,
  _fileName: string,
  options: ParseOptions = { withDetails: false },
): AsyncGenerator<TraceEvent> {
  const bytes = await readWhole(source);
  if (bytes === null) {
    yield { kind: "error", line: 1, message: TOO_LARGE_MESSAGE };
    return;
  }
  if (bytes.subarray(0, SQLITE_HEADER.length).toString("latin1") === SQLITE_HEADER) {
    yield* parseDatabase(bytes, options);
    return;
  }
  const parsed = parseJsonLine(bytes);
  if ("error" in parsed) {
    yield { kind: "error", line: 1, message: parsed.error };
    return;
  }
  const value = parsed.value;
  if (!isRecord(value)) {
    yield { kind: "error", line: 1, message: "not an OpenCode message, session or part (a JSON object)" };
    return;
  }
  const sessionId = stringOrNull(value.sessionID);
  let event: TraceEvent | null = null;
  if (typeof value.role === "string") {
    // JSON storage is 1.1.x and older: output includes reasoning.
    event = messageCall(value, stringOrNull(value.id), sessionId, null, true, []);
  } else if (options.withDetails && typeof value.id === "string" && value.id.startsWith("ses_")) {
    event = sessionEvent(value.id, value);
  } else if (options.withDetails && typeof value.messageID === "string") {
    event = toolResult(value, sessionId);
  }
  // A user message or a text part carries nothing to count, yet is a file of the store, not a foreign one.
  if (event === null && options.withDetails && sessionId !== null) event = sessionEvent(sessionId, {});
  if (event !== null) yield event;
}

function messageCall(
  data: Record<string, unknown>,
  messageId: string | null,
  sessionId: string | null,
  agentId: string | null,
  outputIncludesReasoning: boolean,
  toolUses: ToolUse[],
  fallbackTime: unknown = null,
): TraceEvent | null {
  if (data.role !== "assistant" || !isRecord(data.tokens)) return null;
  const tokens = data.tokens;
  const cache = isRecord(tokens.cache) ? tokens.cache : {};
  const input = tokenCount(tokens.input);
  const output = tokenCount(tokens.output);
  const reasoning = tokenCount(tokens.reasoning);
  const cacheRead = tokenCount(cache.read);
  const cacheWrite = tokenCount(cache.write);
  if (![input, output, reasoning, cacheRead, cacheWrite].some((count) => count !== 0)) return null;
  if (messageId === null || sessionId === null)
    return { kind: "error", line: 1, message: "assistant message without its id or session id" };
  const time = isRecord(data.time) ? data.time : {};
  const timestamp = dateFromMillis(time.created) ?? dateFromMillis(fallbackTime);
  if (timestamp === null) return { kind: "error", line: 1, message: `message ${messageId} has no valid time.created` };
  const provider = stringOrNull(data.providerID);
  const model = stringOrNull(data.modelID);
  const pathInfo = isRecord(data.path) ? data.path : {};
  return agentCall(1, {
    source: "opencode",
    callKey: messageId,
    messageId,
    sessionId,
    agentId,
    timestamp,
    model: model ? (provider ? `${provider}/${model}` : model) : UNKNOWN_MODEL,
    uncachedInput: input,
    cacheRead,
    cacheWrite5m: cacheWrite,
    output: outputIncludesReasoning ? output : output + reasoning,
    reasoning,
    cwd: stringOrNull(pathInfo.cwd),
    stopReason: stringOrNull(data.finish),
    toolUses,
  });
}

function sessionEvent(id: string, session: Record<string, unknown>): TraceEvent {
  const time = isRecord(session.time) ? session.time : {};
  const title = stringOrNull(session.title);
  return {
    kind: "session",
    sessionId: id,
    source: "opencode",
    cwd: stringOrNull(session.directory),
    gitBranch: null,
    repositoryUrl: null,
    commitSha: null,
    title: title === null ? null : truncate(title, TITLE_MAX_CHARS),
    cliVersion: stringOrNull(session.version),
    startedAt: dateFromMillis(time.created ?? session.time_created),
  };
}

/** A completed or failed tool part: its output (or error text) as a tool result. */
function toolResult(part: Record<string, unknown>, sessionId: string | null): TraceEvent | null {
  if (part.type !== "tool" || sessionId === null || typeof part.callID !== "string" || !isRecord(part.state))
    return null;
  const state = part.state;
  if (state.status !== "completed" && state.status !== "error") return null;
  const text = outputText(state.status === "error" ? state.error : state.output);
  if (text === null)
    return { kind: "error", line: 1, message: `tool output of ${part.callID} is nested too deep: not kept` };
  const time = isRecord(state.time) ? state.time : {};
  return toolResultEvent(sessionId, part.callID, dateFromMillis(time.end), text, state.status === "error");
}

function rows(db: Database, sql: string): Record<string, unknown>[] {
  const statement = db.prepare(sql);
  const result: Record<string, unknown>[] = [];
  try {
    while (statement.step()) result.push(statement.getAsObject() as Record<string, unknown>);
  } finally {
    statement.free();
  }
  return result;
}

function jsonColumn(value: unknown): Record<string, unknown> | null {
  if (typeof value !== "string") return null;
  const parsed = parseJsonLine(Buffer.from(value));
  return "value" in parsed && isRecord(parsed.value) ? parsed.value : null;
}

function hasTable(db: Database, name: string): boolean {
  return rows(db, `SELECT name FROM sqlite_master WHERE type = 'table' AND name = '${name}'`).length > 0;
}

async function* parseDatabase(bytes: Buffer, options: ParseOptions): AsyncGenerator<TraceEvent> {
  // sql.js reads a database from memory, where WAL cannot apply: marked as a rollback-journal
  // database (bytes 18 and 19, the read and write versions), it reads the main file's pages.
  const copy = Buffer.from(bytes);
  if (copy.length > 19 && (copy[18] === 2 || copy[19] === 2)) copy[18] = copy[19] = 1;
  // Loaded on the first database only: SQLite in WebAssembly costs every other command ~10 ms to load.
  sqlJs ??= import("sql.js").then((module) => module.default());
  let db: Database;
  try {
    db = new (await sqlJs).Database(copy);
  } catch (error) {
    yield {
      kind: "error",
      line: 1,
      message: `not a readable SQLite database (${error instanceof Error ? error.message : String(error)})`,
    };
    return;
  }
  try {
    if (!hasTable(db, "message") || !hasTable(db, "session")) {
      yield { kind: "error", line: 1, message: "a SQLite database without OpenCode's session and message tables" };
      return;
    }
    const sessions = new Map<string, Record<string, unknown>>();
    for (const row of rows(db, "SELECT * FROM session")) if (typeof row.id === "string") sessions.set(row.id, row);
    /** A subagent's run is its root session's. */
    const rootOf = (id: string): string => {
      let current = id;
      for (let depth = 0; depth < 64; depth++) {
        const parent = stringOrNull(sessions.get(current)?.parent_id);
        if (parent === null || !sessions.has(parent)) return current;
        current = parent;
      }
      return current;
    };
    if (options.withDetails) {
      for (const [id, session] of sessions) if (rootOf(id) === id) yield sessionEvent(id, session);
    }
    const toolsByMessage = new Map<string, ToolUse[]>();
    if (options.withDetails && hasTable(db, "part")) {
      for (const row of rows(db, "SELECT message_id, session_id, data FROM part ORDER BY id")) {
        const part = jsonColumn(row.data);
        const messageId = stringOrNull(row.message_id);
        if (part === null || messageId === null || part.type !== "tool" || typeof part.callID !== "string") continue;
        const state = isRecord(part.state) ? part.state : {};
        const list = toolsByMessage.get(messageId) ?? [];
        list.push(toolUse(part.callID, stringOrNull(part.tool) ?? "unknown", state.input));
        toolsByMessage.set(messageId, list);
        const sessionId = stringOrNull(row.session_id);
        const result = toolResult(part, sessionId === null ? null : rootOf(sessionId));
        if (result !== null) yield result;
      }
    }
    for (const row of rows(db, "SELECT id, session_id, time_created, data FROM message ORDER BY time_created, id")) {
      const data = jsonColumn(row.data);
      const messageId = stringOrNull(row.id);
      const sessionId = stringOrNull(row.session_id);
      if (data === null) {
        yield { kind: "error", line: 1, message: `message ${messageId ?? "?"}: data is not a JSON object` };
        continue;
      }
      const root = sessionId === null ? null : rootOf(sessionId);
      const version = sessionId === null ? null : stringOrNull(sessions.get(sessionId)?.version);
      const event = messageCall(
        data,
        messageId,
        root,
        root !== null && root !== sessionId ? sessionId : null,
        reasoningInsideOutput(version),
        messageId === null ? [] : (toolsByMessage.get(messageId) ?? []),
        row.time_created,
      );
      if (event !== null) yield event;
    }
  } finally {
    db.close();
  }
}
