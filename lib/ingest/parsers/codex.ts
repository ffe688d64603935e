/**
 * Codex CLI rollouts (docs/FORMATS.md, "Codex CLI rollouts"): `{timestamp, type, payload}` lines.
 * Usage comes as running session totals in event_msg token_count; a call is a change of total.
 *
 * Resumed and forked sessions, as Codex's own source writes them (openai/codex,
 * codex-rs/core/src/rollout/recorder.rs at 035416bfd9b70f179348fe3b74d4fe6f8ea91c07, policy.rs at
 * 001cb8e233f250c7086c791c51390286c087faea, and Session::record_initial_history in codex-rs/core):
 * - a resumed session appends to its own file (RolloutRecorderParams::Resume opens it in append
 *   mode, with no new session_meta) and its running totals continue from the last token_count:
 *   nothing is repeated, and the usual rule (a call per change of total) counts it once;
 * - a forked session gets a new file: its own session_meta (with forked_from_id), then the
 *   parent's history persisted as it is (InitialHistory::Forked -> persist_rollout_items: the
 *   parent's session_meta, turn_context, response_item and token_count lines, re-stamped with the
 *   time of the fork, written in one burst), then its own turns, whose running totals continue
 *   from the parent's (the fork seeds its token info from the last copied token_count).
 * So a session_meta naming another session starts COPIED history, which lasts as long as the
 * burst (lines less than REPLAY_GAP_MS apart); its token_counts are the ancestor's calls, counted
 * from the ancestor's own file, never here (nor on the day of the fork). Calls are keyed by the
 * lineage (the last session_meta's id: the root of nested forks) and the running total, so even a
 * copied call taken for the fork's own (a burst cut by a stalled disk) matches the ancestor's copy
 * and counts once; the fork's own calls belong to the fork's run.
 */
import {
  type ParseOptions,
  SUMMARY_MAX_CHARS,
  TITLE_MAX_CHARS,
  type ToolUse,
  type TraceEvent,
  truncate,
} from "../normalized-call";
import { toolResultEvent } from "./claude-code";
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

const RELEVANT_MARKERS = ["token_count", "turn_context", "session_meta"].map((marker) => Buffer.from(`"${marker}"`));
const UUID_AT_END = /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;
/** Model when no turn_context or token_count names one: reported as unpriced, never guessed. */
const UNKNOWN_MODEL = "unknown";
/**
 * Copied history is written in one go (lines microseconds apart); the fork's own first call comes
 * after a model response, seconds later. A gap longer than this between two lines ends the copy.
 */
const REPLAY_GAP_MS = 500;

interface UsageTotals {
  input: number;
  cached: number;
  output: number;
  reasoning: number;
  total: number;
}

/** `rollout-<time>-<uuid>.jsonl` -> the uuid, else the file's stem. */
export function codexFileSessionId(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  const stem = base.endsWith(".jsonl") ? base.slice(0, -".jsonl".length) : base;
  return UUID_AT_END.exec(stem)?.[1] ?? stem;
}

/** Parses one Codex rollout. `fileName` is the path relative to its root. */
export async function* parseCodex(
  source: ByteSource,
  fileName: string,
  options: ParseOptions = { withDetails: false },
): AsyncGenerator<TraceEvent> {
  /** The file's own session: its first session_meta (else the uuid of its name). */
  let ownSessionId: string | null = null;
  const sessionId = () => ownSessionId ?? codexFileSessionId(fileName);
  /** The namespace of call keys: the id of the last session_meta, the root of a fork's lineage. */
  let lineageId = codexFileSessionId(fileName);
  // Copied history, judged on the lines both modes read (for identical counts) and, for details, on every line.
  let copied = false;
  let copiedDetails = false;
  let lastCountedLineTime: number | null = null;
  let lastLineTime: number | null = null;
  let model: string | null = null;
  let cwd: string | null = null;
  let cliVersion: string | null = null;
  let gitBranch: string | null = null;
  let previous: UsageTotals | null = null;
  let titleSeen = false;
  let session: Extract<TraceEvent, { kind: "session" }> | null = null;
  // Tool calls come on their own lines before the token_count of the response that made them.
  let pendingToolUses: ToolUse[] = [];

  for await (const batch of readLineBatches(source)) {
    const events: TraceEvent[] = [];
    for (const line of batch) {
      if (
        !options.withDetails &&
        !line.unterminated &&
        !RELEVANT_MARKERS.some((marker) => line.bytes.indexOf(marker) !== -1)
      )
        continue;
      const parsed = parseJsonLine(line.bytes);
      if ("error" in parsed) {
        events.push({ kind: "error", line: line.number, message: parsed.error });
        continue;
      }
      const entry = parsed.value;
      if (!isRecord(entry) || !isRecord(entry.payload)) {
        events.push({ kind: "error", line: line.number, message: "line is not a {timestamp, type, payload} object" });
        continue;
      }
      const payload = entry.payload;
      const time = dateOrNull(entry.timestamp)?.getTime() ?? null;
      const burstEnded = (previousTime: number | null) =>
        time === null || previousTime === null || time - previousTime > REPLAY_GAP_MS;
      if (copiedDetails && burstEnded(lastLineTime)) copiedDetails = false;
      lastLineTime = time;
      if (
        entry.type === "session_meta" ||
        entry.type === "turn_context" ||
        (entry.type === "event_msg" && payload.type === "token_count")
      ) {
        if (copied && burstEnded(lastCountedLineTime)) copied = false;
        lastCountedLineTime = time;
      }
      if (entry.type === "session_meta") {
        const id = stringOrNull(payload.id);
        if (id !== null) lineageId = id;
        if (ownSessionId !== null && id !== null && id !== ownSessionId) {
          // An ancestor's history follows: its details belong to its own file.
          copied = true;
          copiedDetails = true;
          continue;
        }
        ownSessionId ??= id;
        cwd = stringOrNull(payload.cwd) ?? cwd;
        cliVersion = stringOrNull(payload.cli_version) ?? cliVersion;
        const git = isRecord(payload.git) ? payload.git : {};
        gitBranch = stringOrNull(git.branch) ?? gitBranch;
        if (options.withDetails) {
          session = {
            kind: "session",
            sessionId: sessionId(),
            source: "codex",
            cwd,
            gitBranch,
            repositoryUrl: stringOrNull(git.repository_url),
            commitSha: stringOrNull(git.commit_hash),
            title: null,
            cliVersion,
            startedAt: dateOrNull(payload.timestamp) ?? dateOrNull(entry.timestamp),
          };
          events.push(session);
        }
      } else if (entry.type === "turn_context") {
        model = stringOrNull(payload.model) ?? model;
        cwd = stringOrNull(payload.cwd) ?? cwd;
      } else if (entry.type === "event_msg" && payload.type === "token_count") {
        const info = payload.info;
        // The first token_count of a session has info null.
        if (!isRecord(info)) continue;
        const totals = readTotals(info.total_token_usage);
        const last = readTotals(info.last_token_usage);
        if (totals === null && last === null) continue;
        // Re-emitted events repeat the same running total: not a new call.
        if (totals !== null && previous !== null && totals.total === previous.total) continue;
        const delta = totals !== null ? callUsage(totals, previous, last) : last;
        if (delta === null) continue;
        if (totals !== null) previous = totals;
        // The ancestor's call, re-stamped at the fork: counted from the ancestor's own file.
        if (copied) continue;
        const timestamp = dateOrNull(entry.timestamp);
        if (timestamp === null) {
          events.push({ kind: "error", line: line.number, message: "token_count without a valid timestamp" });
          continue;
        }
        events.push({
          kind: "call",
          line: line.number,
          call: {
            source: "codex",
            callKey: totals !== null ? `${lineageId}:${totals.total}` : `${sessionId()}:line:${line.number}`,
            messageId: null,
            sessionId: sessionId(),
            agentId: null,
            isSidechain: false,
            timestamp,
            model: stringOrNull(info.model) ?? model ?? UNKNOWN_MODEL,
            uncachedInput: delta.input - delta.cached,
            cacheRead: delta.cached,
            cacheWrite5m: 0,
            cacheWrite1h: 0,
            output: delta.output,
            reasoning: delta.reasoning,
            speed: "standard",
            isApiError: false,
            cwd,
            gitBranch,
            version: cliVersion,
            requestId: null,
            toolUses: pendingToolUses,
            stopReason: null,
          },
        });
        pendingToolUses = [];
      } else if (options.withDetails && !copiedDetails) {
        readDetail(entry, payload, sessionId(), line.number, events, pendingToolUses);
        if (!titleSeen && session !== null && entry.type === "event_msg" && payload.type === "user_message") {
          const text = stringOrNull(payload.message)?.trim();
          if (text) {
            titleSeen = true;
            events.push({ ...session, title: truncate(text, TITLE_MAX_CHARS) });
          }
        }
      }
    }
    yield* events;
  }
}

function readTotals(value: unknown): UsageTotals | null {
  if (!isRecord(value)) return null;
  const input = tokenCount(value.input_tokens);
  const output = tokenCount(value.output_tokens);
  // cached_input_tokens is a subset of input_tokens, reasoning_output_tokens a subset of output.
  const cached = Math.min(tokenCount(value.cached_input_tokens), input);
  const reasoning = Math.min(tokenCount(value.reasoning_output_tokens), output);
  const total = typeof value.total_tokens === "number" ? tokenCount(value.total_tokens) : input + output;
  return { input, cached, output, reasoning, total };
}

/**
 * The usage of the response that moved the running total. last_token_usage is that response's own
 * count and needs no earlier line, so a file read in pieces gives the same calls; the difference
 * of consecutive totals stands in only when an event lacks last_token_usage.
 */
function callUsage(totals: UsageTotals, previous: UsageTotals | null, last: UsageTotals | null): UsageTotals | null {
  if (last !== null) return last;
  if (previous === null) return totals;
  const delta: UsageTotals = {
    input: totals.input - previous.input,
    cached: totals.cached - previous.cached,
    output: totals.output - previous.output,
    reasoning: totals.reasoning - previous.reasoning,
    total: totals.total - previous.total,
  };
  const consistent =
    delta.input >= 0 && delta.cached >= 0 && delta.output >= 0 && delta.reasoning >= 0 && delta.cached <= delta.input;
  return consistent ? delta : null;
}

function readDetail(
  entry: Record<string, unknown>,
  payload: Record<string, unknown>,
  sessionId: string,
  lineNumber: number,
  events: TraceEvent[],
  pendingToolUses: ToolUse[],
): void {
  if (entry.type !== "response_item") return;
  if (payload.type === "function_call" || payload.type === "custom_tool_call") {
    const id = stringOrNull(payload.call_id);
    if (id === null) return;
    const input = stringOrNull(payload.arguments) ?? stringOrNull(payload.input) ?? "";
    const summary = commandSummary(input);
    pendingToolUses.push({
      id,
      name: stringOrNull(payload.name) ?? "unknown",
      inputBytes: Buffer.byteLength(input),
      command: summary.command,
      filePath: summary.filePath,
    });
  } else if (payload.type === "function_call_output" || payload.type === "custom_tool_call_output") {
    const id = stringOrNull(payload.call_id);
    if (id === null) return;
    const output = payload.output;
    if (nestedDeeperThan(output, MAX_JSON_DEPTH)) {
      events.push({
        kind: "error",
        line: lineNumber,
        message: `tool output is nested deeper than ${MAX_JSON_DEPTH} levels: not kept`,
      });
      return;
    }
    const text =
      typeof output === "string"
        ? output
        : isRecord(output)
          ? (stringOrNull(output.content) ?? JSON.stringify(output))
          : "";
    const isError =
      isRecord(output) &&
      isRecord(output.metadata) &&
      typeof output.metadata.exit_code === "number" &&
      output.metadata.exit_code !== 0;
    events.push(toolResultEvent(sessionId, id, dateOrNull(entry.timestamp), text, isError));
  }
}

/** Codex tool arguments are a JSON string; shell calls carry `cmd` or `command` (string or argv). */
function commandSummary(argumentsJson: string): { command: string | null; filePath: string | null } {
  let args: unknown;
  try {
    args = JSON.parse(argumentsJson);
  } catch {
    return { command: null, filePath: null };
  }
  if (!isRecord(args)) return { command: null, filePath: null };
  const raw = args.cmd ?? args.command;
  const command =
    typeof raw === "string"
      ? raw
      : Array.isArray(raw)
        ? raw.filter((part) => typeof part === "string").join(" ")
        : null;
  const filePath = stringOrNull(args.path) ?? stringOrNull(args.file_path);
  return {
    command: command === null ? null : truncate(command, SUMMARY_MAX_CHARS),
    filePath: filePath === null ? null : truncate(filePath, SUMMARY_MAX_CHARS),
  };
}
