/**
 * Gemini CLI chat recordings (google-gemini/gemini-cli, Apache-2.0), format `gemini-cli`.
 *
 * Files: `~/.gemini/tmp/<project>/chats/session-<YYYY-MM-DDTHH-MM>-<first 8 of sessionId>.jsonl`
 * (`$GEMINI_CLI_HOME/.gemini` when set: gemini-cli's `homedir()` in packages/core/src/utils/paths.ts
 * returns GEMINI_CLI_HOME before os.homedir(), and Storage.getGlobalGeminiDir() joins `.gemini`).
 * A subagent's session is `chats/<parentSessionId>/<sessionId>.jsonl` with `kind: "subagent"`:
 * its calls fold into the parent's run, its own session id as agent id. From v0.39.0 (gemini-cli PR #23749) an append log: line 1
 * metadata `{sessionId, projectHash, startTime, lastUpdated, kind}`, then message records
 * `{id, timestamp, type: user|gemini|info|error|warning, content, thoughts?, tokens?, model?, toolCalls?}`,
 * `{"$set": {...}}` metadata updates and `{"$rewindTo": id}`. Up to v0.38.x one JSON object
 * `{sessionId, projectHash, startTime, lastUpdated, messages: [...]}` (`.json`), same records.
 *
 * Counting (checked on files written by 0.61.0 and 0.38.2, fixtures/agents/SOURCES.md):
 * - a call is a `type: "gemini"` record whose `tokens` has a value above 0;
 * - the same message `id` is re-appended on every update (tokens first, then again with its
 *   toolCalls): one call per id, the LAST record with tokens wins; its key is `<sessionId>:<id>`;
 * - `{"$set": {"messages": [...]}}` checkpoints written on resume repeat earlier messages without
 *   tokens: they add no call (one that carried tokens would fold into its id like any record);
 *   Gemini CLI's own loader rebuilds state from the checkpoint, which is why readers that replay
 *   state lose the tokens of earlier legs: every record is read instead;
 * - `$rewindTo` is ignored: a rewound turn was still billed;
 * - tokens `{input, output, cached, thoughts, tool, total}` are usageMetadata's `promptTokenCount,
 *   candidatesTokenCount, cachedContentTokenCount, thoughtsTokenCount, toolUsePromptTokenCount,
 *   totalTokenCount`: `input` INCLUDES `cached`, `tool` is prompt input OUTSIDE `input`, `thoughts`
 *   are OUTSIDE `output` (total = input + output + thoughts + tool on every sample record). So
 *   uncached input = input - cached + tool, cache read = cached, no cache write, output =
 *   output + thoughts (thoughts are billed at the output rate), reasoning = thoughts;
 * - model: the record's `model` (e.g. `gemini-3-flash-preview`, priced as Google's); a record
 *   without one (an empty response) takes the last model seen in the file, else "unknown".
 * Not in the file: utility calls (routing, web search, compression, next-speaker checks) are
 * billed but never recorded. No working directory either (only the project's name and hash).
 */
import {
  type ParseOptions,
  type SessionEvent,
  TITLE_MAX_CHARS,
  type ToolUse,
  type TraceEvent,
  truncate,
} from "../normalized-call";
import { agentCall, outputText, readWhole, TOO_LARGE_MESSAGE, toolUse, UNKNOWN_MODEL } from "./agent-call";
import { toolResultEvent } from "./claude-code";
import { type ByteSource, dateOrNull, isRecord, parseJsonLine, stringOrNull, tokenCount } from "./lines";

interface GeminiRecord {
  line: number;
  value: Record<string, unknown>;
}

/** `session-2026-11-30T11-48-a39fe66b.jsonl` -> the file's stem, the run id when no metadata names the session. */
function fileStem(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  return base.replace(/\.jsonl?$/, "");
}

/** The records of either layout, each with the line it came from (1 for the legacy single document). */
function readRecords(bytes: Buffer, errors: TraceEvent[]): GeminiRecord[] {
  const text = bytes.toString("utf8");
  const whole = parseJsonLine(bytes);
  if ("value" in whole && isRecord(whole.value) && Array.isArray(whole.value.messages)) {
    const { messages, ...metadata } = whole.value;
    return [{ line: 1, value: metadata }, ...messages.filter(isRecord).map((value) => ({ line: 1, value }))];
  }
  const records: GeminiRecord[] = [];
  const lines = text.split("\n");
  lines.forEach((raw, index) => {
    if (raw.trim() === "") return;
    const parsed = parseJsonLine(Buffer.from(raw));
    if ("error" in parsed) {
      errors.push({ kind: "error", line: index + 1, message: parsed.error });
      return;
    }
    if (!isRecord(parsed.value)) {
      errors.push({ kind: "error", line: index + 1, message: "line is not a JSON object" });
      return;
    }
    const set = parsed.value.$set;
    if (isRecord(set) && Array.isArray(set.messages)) {
      for (const message of set.messages) if (isRecord(message)) records.push({ line: index + 1, value: message });
    } else {
      records.push({ line: index + 1, value: parsed.value });
    }
  });
  return records;
}

export async function* parseGeminiCli(
  source: ByteSource,
  fileName: string,
  options: ParseOptions = { withDetails: false },
): AsyncGenerator<TraceEvent> {
  const bytes = await readWhole(source);
  if (bytes === null) {
    yield { kind: "error", line: 1, message: TOO_LARGE_MESSAGE };
    return;
  }
  const errors: TraceEvent[] = [];
  const records = readRecords(bytes, errors);
  yield* errors;

  let sessionId: string | null = null;
  let isSubagent = false;
  let startedAt: Date | null = null;
  let title: string | null = null;
  let lastModel: string | null = null;
  const calls = new Map<string, { line: number; record: Record<string, unknown>; model: string }>();
  const toolOutputs = new Map<string, { timestamp: Date | null; text: string | null; isError: boolean }>();

  for (const { line, value } of records) {
    if (sessionId === null && typeof value.sessionId === "string" && "projectHash" in value) {
      sessionId = value.sessionId;
      isSubagent = value.kind === "subagent";
      startedAt = dateOrNull(value.startTime);
    }
    const model = stringOrNull(value.model);
    if (model !== null && model !== "") lastModel = model;
    if (value.type === "user" && title === null) title = promptText(value.content);
    if (value.type !== "gemini" || !isRecord(value.tokens)) continue;
    const tokens = value.tokens;
    const counts = ["input", "output", "cached", "thoughts", "tool", "total"].map((key) => tokenCount(tokens[key]));
    if (!counts.some((count) => count !== 0)) continue;
    const id = stringOrNull(value.id) ?? `line:${line}`;
    calls.set(id, {
      line,
      record: value,
      model: (model !== null && model !== "" ? model : lastModel) ?? UNKNOWN_MODEL,
    });
  }

  const ownSession = sessionId ?? fileStem(fileName);
  // A subagent's file sits in a folder named after its parent session (chats/<parent>/<own>.jsonl).
  const folders = fileName.split(/[\\/]/).slice(0, -1);
  const parentFolder = folders[folders.length - 1];
  const parent = isSubagent && parentFolder !== undefined && parentFolder !== "chats" ? parentFolder : null;
  const session = parent ?? ownSession;
  const agentId = parent === null ? null : ownSession;
  if (options.withDetails && parent === null) {
    const event: SessionEvent = {
      kind: "session",
      sessionId: session,
      source: "gemini-cli",
      cwd: null,
      gitBranch: null,
      repositoryUrl: null,
      commitSha: null,
      title: title === null ? null : truncate(title, TITLE_MAX_CHARS),
      cliVersion: null,
      startedAt,
    };
    yield event;
  }
  for (const [id, { line, record, model }] of calls) {
    const tokens = record.tokens as Record<string, unknown>;
    const input = tokenCount(tokens.input);
    const cached = Math.min(tokenCount(tokens.cached), input);
    const thoughts = tokenCount(tokens.thoughts);
    const timestamp = dateOrNull(record.timestamp);
    if (timestamp === null) {
      yield { kind: "error", line, message: "gemini record without a valid timestamp" };
      continue;
    }
    const toolUses: ToolUse[] = [];
    if (options.withDetails && Array.isArray(record.toolCalls)) {
      for (const toolCall of record.toolCalls) {
        if (!isRecord(toolCall)) continue;
        const toolId = stringOrNull(toolCall.id);
        if (toolId === null) continue;
        toolUses.push(toolUse(toolId, stringOrNull(toolCall.name) ?? "unknown", toolCall.args));
        toolOutputs.set(toolId, {
          timestamp: dateOrNull(toolCall.timestamp),
          text: outputText(functionResponses(toolCall.result)),
          isError: toolCall.status === "error",
        });
      }
    }
    yield agentCall(line, {
      source: "gemini-cli",
      callKey: `${ownSession}:${id}`,
      messageId: stringOrNull(record.id),
      sessionId: session,
      agentId,
      timestamp,
      model,
      uncachedInput: input - cached + tokenCount(tokens.tool),
      cacheRead: cached,
      output: tokenCount(tokens.output) + thoughts,
      reasoning: thoughts,
      toolUses,
    });
  }
  for (const [toolId, output] of toolOutputs) {
    if (output.text === null)
      yield { kind: "error", line: 1, message: `tool output of ${toolId} is nested too deep: not kept` };
    else yield toolResultEvent(session, toolId, output.timestamp, output.text, output.isError);
  }
}

/** A tool call's `result`: a list of `{functionResponse: {response}}` parts; the responses are its output. */
function functionResponses(result: unknown): unknown {
  if (!Array.isArray(result)) return result;
  const responses = result.map((part) =>
    isRecord(part) && isRecord(part.functionResponse) ? part.functionResponse.response : part,
  );
  return responses.length === 1 ? responses[0] : responses;
}

/** The user's words: the first text part that is not the CLI's own `<session_context>` preamble. */
function promptText(content: unknown): string | null {
  const parts = typeof content === "string" ? [{ text: content }] : Array.isArray(content) ? content : [];
  for (const part of parts) {
    const text = isRecord(part) ? stringOrNull(part.text)?.trim() : undefined;
    if (text && !text.startsWith("<")) return text;
  }
  return null;
}
