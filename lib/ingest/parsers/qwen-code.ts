/**
 * Qwen Code chat logs (QwenLM/qwen-code, Apache-2.0), format `qwen-code`.
 *
 * Files: `<runtime dir>/projects/<cwd with every / as ->/chats/<sessionId>.jsonl`, runtime dir =
 * `QWEN_RUNTIME_DIR`, else `QWEN_HOME`, else `~/.qwen`. One JSON object per line:
 * `{uuid, parentUuid, sessionId, timestamp, type: user|assistant|tool_result|system, cwd, version,
 * model?, message{role, parts}, usageMetadata?}`; lines are self-contained, so a file can be read
 * (and pushed) in pieces.
 *
 * Counting (checked on a file written by 0.24.4 against a mock and on splitrail's 0.18.1 fixture,
 * fixtures/agents/SOURCES.md):
 * - a call is an `assistant` line whose `usageMetadata` has a value above 0, keyed
 *   `<sessionId>:<uuid>` (the same line read twice counts once);
 * - `system` lines of subtype `ui_telemetry` with uiEvent `qwen-code.api_response` are a SECOND
 *   copy of the same calls (snake_case counts): never counted; `~/.qwen/usage_record.jsonl` is a
 *   per-process cumulative summary (`{sessionId, project, models: {...}}` lines, no `type`): its
 *   lines only name their session's folder, never count;
 * - `promptTokenCount` INCLUDES `cachedContentTokenCount` (OpenAI `prompt_tokens`; on Anthropic-
 *   protocol providers Qwen folds cache creation in too, without reporting it apart, so it is
 *   counted as uncached input): uncached input = prompt - cached, cache read = cached;
 * - `candidatesTokenCount` is OpenAI `completion_tokens`, which INCLUDES `thoughtsTokenCount`
 *   (0.24.4's converter: totalTokenCount = prompt + candidates). When a line says otherwise
 *   (total = prompt + candidates + thoughts, Gemini's semantics) thoughts are added: output is
 *   always everything billed at the output rate, reasoning the thoughts within it. ccusage,
 *   splitrail and codeburn add thoughts unconditionally, over-counting OpenAI-compatible providers;
 * - model: the line's `model` (`coder-model`, `qwen3-coder-plus` or whatever OPENAI_MODEL names:
 *   priced when the price table knows the name, else unpriced).
 * Tool calls: `functionCall` parts of assistant lines; their output: `tool_result` lines.
 */
import {
  type ParseOptions,
  type SessionEvent,
  TITLE_MAX_CHARS,
  type ToolUse,
  type TraceEvent,
  truncate,
} from "../normalized-call";
import { agentCall, outputText, toolUse, UNKNOWN_MODEL } from "./agent-call";
import { toolResultEvent } from "./claude-code";
import {
  type ByteSource,
  dateOrNull,
  isRecord,
  parseJsonLine,
  readLineBatches,
  stringOrNull,
  tokenCount,
} from "./lines";

const USAGE_MARKER = Buffer.from('"usageMetadata"');

export async function* parseQwenCode(
  source: ByteSource,
  fileName: string,
  options: ParseOptions = { withDetails: false },
): AsyncGenerator<TraceEvent> {
  const sessionsSeen = new Set<string>();
  for await (const batch of readLineBatches(source)) {
    const events: TraceEvent[] = [];
    for (const line of batch) {
      if (!options.withDetails && !line.unterminated && line.bytes.indexOf(USAGE_MARKER) === -1) continue;
      const parsed = parseJsonLine(line.bytes);
      if ("error" in parsed) {
        events.push({ kind: "error", line: line.number, message: parsed.error });
        continue;
      }
      const entry = parsed.value;
      if (!isRecord(entry)) {
        events.push({ kind: "error", line: line.number, message: "line is not a JSON object" });
        continue;
      }
      const sessionId = stringOrNull(entry.sessionId);
      if (sessionId === null || sessionId === "") {
        events.push({ kind: "error", line: line.number, message: "line without a sessionId" });
        continue;
      }
      if (!("type" in entry) && isRecord(entry.models)) {
        // A usage_record.jsonl summary: the chat log has these calls one by one.
        if (options.withDetails) events.push(sessionEvent(sessionId, entry, stringOrNull(entry.project), null));
        continue;
      }
      const message = isRecord(entry.message) ? entry.message : {};
      const parts = Array.isArray(message.parts) ? message.parts.filter(isRecord) : [];
      if (options.withDetails) {
        if (!sessionsSeen.has(sessionId) && entry.type === "user") {
          sessionsSeen.add(sessionId);
          const text = parts
            .map((part) => stringOrNull(part.text))
            .find((value) => value !== null && value.trim() !== "");
          events.push(
            sessionEvent(
              sessionId,
              entry,
              stringOrNull(entry.cwd),
              text ? truncate(text.trim(), TITLE_MAX_CHARS) : null,
            ),
          );
        }
        if (entry.type === "tool_result") {
          for (const part of parts) {
            const response = isRecord(part.functionResponse) ? part.functionResponse : null;
            const id = response === null ? null : stringOrNull(response.id);
            if (response === null || id === null) continue;
            const text = outputText(response.response);
            if (text === null) {
              events.push({ kind: "error", line: line.number, message: "tool output is nested too deep: not kept" });
              continue;
            }
            const result = isRecord(entry.toolCallResult) ? entry.toolCallResult : {};
            events.push(toolResultEvent(sessionId, id, dateOrNull(entry.timestamp), text, result.status === "error"));
          }
        }
      }
      if (entry.type !== "assistant" || !isRecord(entry.usageMetadata)) continue;
      const usage = entry.usageMetadata;
      const prompt = tokenCount(usage.promptTokenCount);
      const candidates = tokenCount(usage.candidatesTokenCount);
      const thoughts = tokenCount(usage.thoughtsTokenCount);
      const cached = Math.min(tokenCount(usage.cachedContentTokenCount), prompt);
      const total = tokenCount(usage.totalTokenCount);
      if (![prompt, candidates, thoughts, cached, total].some((count) => count !== 0)) continue;
      const timestamp = dateOrNull(entry.timestamp);
      if (timestamp === null) {
        events.push({ kind: "error", line: line.number, message: "assistant line without a valid timestamp" });
        continue;
      }
      const thoughtsOutside = thoughts > 0 && total === prompt + candidates + thoughts;
      const output = thoughtsOutside ? candidates + thoughts : candidates;
      const toolUses: ToolUse[] = [];
      if (options.withDetails) {
        for (const part of parts) {
          const call = isRecord(part.functionCall) ? part.functionCall : null;
          const id = call === null ? null : stringOrNull(call.id);
          if (call !== null && id !== null) toolUses.push(toolUse(id, stringOrNull(call.name) ?? "unknown", call.args));
        }
      }
      const uuid = stringOrNull(entry.uuid);
      events.push(
        agentCall(line.number, {
          source: "qwen-code",
          callKey: uuid !== null ? `${sessionId}:${uuid}` : `${sessionId}:line:${fileName}#${line.number}`,
          messageId: uuid,
          sessionId,
          timestamp,
          model: stringOrNull(entry.model) || UNKNOWN_MODEL,
          uncachedInput: prompt - cached,
          cacheRead: cached,
          output,
          reasoning: Math.min(thoughts, output),
          cwd: stringOrNull(entry.cwd),
          gitBranch: stringOrNull(entry.gitBranch),
          version: stringOrNull(entry.version),
          toolUses,
        }),
      );
    }
    yield* events;
  }
}

function sessionEvent(
  sessionId: string,
  entry: Record<string, unknown>,
  cwd: string | null,
  title: string | null,
): SessionEvent {
  return {
    kind: "session",
    sessionId,
    source: "qwen-code",
    cwd,
    gitBranch: stringOrNull(entry.gitBranch),
    repositoryUrl: null,
    commitSha: null,
    title,
    cliVersion: typeof entry.version === "string" ? entry.version : null,
    startedAt: dateOrNull(entry.timestamp),
  };
}
