/**
 * Amp threads (Sourcegraph; closed source), format `amp`.
 *
 * Files: `~/.local/share/amp/threads/T-<uuid>.json` (`AMP_DATA_DIR/threads`, ccusage's override),
 * one JSON object per thread `{v, id: "T-...", created (ms), title, messages: [...], usageLedger?}`,
 * rewritten in place as the thread grows: read as one document.
 *
 * Counting (no agent-written thread is public; both samples are ccusage test fixtures, so this
 * follows ccusage's loaders, apps/amp/src/data-loader.ts at 528051512c9f and
 * rust/crates/ccusage/src/adapter/amp/parser.rs at 5816e640, fixtures/agents/SOURCES.md):
 * - `messages[].usage {model, inputTokens, outputTokens, cacheCreationInputTokens,
 *   cacheReadInputTokens, totalInputTokens, credits, timestamp}`: `inputTokens` EXCLUDES cache
 *   (totalInputTokens = input + creation + read on both samples); Anthropic's convention, so
 *   uncached input, cache write (5-minute: Amp does not say) and cache read are taken as they are;
 *   output as given (Amp reports no reasoning apart);
 * - older threads have `usageLedger.events[] {id, timestamp, model, credits, tokens{input, output},
 *   fromMessageId, toMessageId}`: then one call per event, with its cache counts from the message
 *   `toMessageId` names, and the messages are not counted again (ledger OR messages, never both);
 * - keys: `<threadId>:<event id>` for ledger events, `<threadId>:message:<messageId or index>` for
 *   messages, so the thread re-read after a rewrite counts each call once;
 * - timestamp: the usage's or event's own, else the thread's `created`;
 * - model: Anthropic model ids such as `claude-haiku-4-5-20251001`; `credits` (Amp's billing unit)
 *   are not dollars and not used.
 * Not in the file: the working directory and branch.
 */
import { type ParseOptions, TITLE_MAX_CHARS, type ToolUse, type TraceEvent, truncate } from "../normalized-call";
import { agentCall, dateFromMillis, readWhole, TOO_LARGE_MESSAGE, toolUse, UNKNOWN_MODEL } from "./agent-call";
import { type ByteSource, dateOrNull, isRecord, parseJsonLine, stringOrNull, tokenCount } from "./lines";

export async function* parseAmp(
  source: ByteSource,
  fileName: string,
  options: ParseOptions = { withDetails: false },
): AsyncGenerator<TraceEvent> {
  const bytes = await readWhole(source);
  if (bytes === null) {
    yield { kind: "error", line: 1, message: TOO_LARGE_MESSAGE };
    return;
  }
  const parsed = parseJsonLine(bytes);
  if ("error" in parsed) {
    yield { kind: "error", line: 1, message: parsed.error };
    return;
  }
  const thread = parsed.value;
  if (!isRecord(thread) || !Array.isArray(thread.messages)) {
    yield { kind: "error", line: 1, message: "not an Amp thread ({id, messages: [...]})" };
    return;
  }
  const stem = (fileName.split(/[\\/]/).pop() ?? fileName).replace(/\.json$/, "");
  const threadId = stringOrNull(thread.id) || stem;
  const created = dateFromMillis(thread.created);
  const messages = thread.messages.filter(isRecord);
  if (options.withDetails) {
    yield {
      kind: "session",
      sessionId: threadId,
      source: "amp",
      cwd: null,
      gitBranch: null,
      repositoryUrl: null,
      commitSha: null,
      title: typeof thread.title === "string" ? truncate(thread.title, TITLE_MAX_CHARS) : null,
      cliVersion: null,
      startedAt: created,
    };
  }
  const ledger =
    isRecord(thread.usageLedger) && Array.isArray(thread.usageLedger.events) ? thread.usageLedger.events : null;
  if (ledger !== null) {
    const usageByMessage = new Map<unknown, Record<string, unknown>>();
    const toolsByMessage = new Map<unknown, ToolUse[]>();
    for (const message of messages) {
      if (message.role !== "assistant") continue;
      if (isRecord(message.usage)) usageByMessage.set(message.messageId, message.usage);
      if (options.withDetails) toolsByMessage.set(message.messageId, toolUses(message.content));
    }
    for (const [index, event] of ledger.entries()) {
      if (!isRecord(event)) continue;
      const tokens = isRecord(event.tokens) ? event.tokens : {};
      const usage = usageByMessage.get(event.toMessageId) ?? {};
      const counts = {
        uncachedInput: tokenCount(tokens.input),
        output: tokenCount(tokens.output),
        cacheRead: tokenCount(usage.cacheReadInputTokens),
        cacheWrite5m: tokenCount(usage.cacheCreationInputTokens),
      };
      if (!Object.values(counts).some((count) => count !== 0)) continue;
      const timestamp = dateOrNull(event.timestamp) ?? created;
      if (timestamp === null) {
        yield { kind: "error", line: 1, message: `usage event ${index + 1} of the ledger has no valid timestamp` };
        continue;
      }
      yield agentCall(1, {
        source: "amp",
        callKey: `${threadId}:${stringOrNull(event.id) ?? `ledger:${index}`}`,
        sessionId: threadId,
        timestamp,
        model: stringOrNull(event.model) || stringOrNull(usage.model) || UNKNOWN_MODEL,
        ...counts,
        toolUses: toolsByMessage.get(event.toMessageId) ?? [],
      });
    }
    return;
  }
  for (const [index, message] of messages.entries()) {
    if (message.role !== "assistant" || !isRecord(message.usage)) continue;
    const usage = message.usage;
    const counts = {
      uncachedInput: tokenCount(usage.inputTokens),
      output: tokenCount(usage.outputTokens),
      cacheRead: tokenCount(usage.cacheReadInputTokens),
      cacheWrite5m: tokenCount(usage.cacheCreationInputTokens),
    };
    if (!Object.values(counts).some((count) => count !== 0)) continue;
    const timestamp = dateOrNull(usage.timestamp) ?? created;
    if (timestamp === null) {
      yield {
        kind: "error",
        line: 1,
        message: `message ${index + 1} of the thread has usage without a valid timestamp`,
      };
      continue;
    }
    const messageId =
      typeof message.messageId === "number" || typeof message.messageId === "string"
        ? String(message.messageId)
        : `#${index}`;
    yield agentCall(1, {
      source: "amp",
      callKey: `${threadId}:message:${messageId}`,
      sessionId: threadId,
      timestamp,
      model: stringOrNull(usage.model) || stringOrNull(message.model) || UNKNOWN_MODEL,
      ...counts,
      toolUses: options.withDetails ? toolUses(message.content) : [],
    });
  }
}

/** Anthropic-style `tool_use` content blocks of an assistant message. */
function toolUses(content: unknown): ToolUse[] {
  if (!Array.isArray(content)) return [];
  return content
    .filter(
      (block): block is Record<string, unknown> =>
        isRecord(block) && block.type === "tool_use" && typeof block.id === "string",
    )
    .map((block) => toolUse(block.id as string, stringOrNull(block.name) ?? "unknown", block.input));
}
