/**
 * GitHub Copilot CLI (github/copilot-cli: closed source; its issues and docs are public), format
 * `copilot-cli`, in either of its two logs:
 *
 * 1. Session state, `~/.copilot/session-state/<sessionId>/events.jsonl` (`COPILOT_HOME` replaces
 *    `~/.copilot`: documented by GitHub, as Latand/live-log-viewer-next#1762 found; the folder's
 *    name is session.start's data.sessionId, verified on a real run in ingo-eichhorst/Irrlicht#1256): `{type, timestamp, data}` lines, types `session.start` (data.sessionId,
 *    data.context.{cwd, model}), `user.message`, `assistant.turn_start|turn_end`, `assistant.message`
 *    (data.outputTokens only), `tool.execution_*`, `session.model_change`, `session.shutdown`.
 *    Input and cache counts exist ONLY in `session.shutdown` data.modelMetrics.<model>:
 *    `usage {inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens, reasoningTokens?}` and
 *    `requests {count, cost}` (cost = premium requests, not dollars).
 *    - `inputTokens` INCLUDES cache read and cache write (a real 1.0.68 shutdown in
 *      getagentseal/codeburn#676: 71282 = 4 + 35495 read + 35783 write): uncached input =
 *      input - read - write; output as given; reasoningTokens taken as part of output (unverified:
 *      no sample carries it);
 *    - every shutdown is one leg of the session (a resume appends a new leg; the legs' own
 *      assistant.message outputs add up to each leg's outputTokens, as in splitrail's tests), so
 *      legs are summed; a leg's `requests.count` calls of one model share its counts (the file has
 *      no per-request split: each gets an equal share, the remainder on the first), keyed
 *      `<sessionId>:<shutdown timestamp>:<model>:<n>`, so the same file read again counts once;
 *    - a crash or `/new` (copilot-cli#3994) writes no shutdown: that leg has no counts to read.
 * 2. The OpenTelemetry file export (`COPILOT_OTEL_ENABLED=true`, `COPILOT_OTEL_EXPORTER_TYPE=file`,
 *    `COPILOT_OTEL_FILE_EXPORTER_PATH`; ccusage also looks in `~/.copilot/otel/*.jsonl`): one span,
 *    log record or metric per line. The same response can appear as a `chat <model>` span, a
 *    `gen_ai.client.inference.operation.details` log, a `copilot_chat.agent.turn` log and an
 *    `invoke_agent` span: the chat span is kept, then the others in that order, and a record is a
 *    duplicate of a kept one with the same traceId or gen_ai.response.id. Counts follow the
 *    OpenTelemetry GenAI conventions: `gen_ai.usage.input_tokens` INCLUDES cache read and cache
 *    creation, `gen_ai.usage.output_tokens` INCLUDES reasoning (ccusage subtracts only cache reads
 *    and adds reasoning again). Model: `gen_ai.response.model` (else request model). Time: the
 *    record's endTime, startTime or hrTime ([seconds, nanoseconds]), else that of a duplicate
 *    record of the same response. Key: `otel:<response id>`, else `otel:<traceId>:<spanId>`.
 * Model names are bare (`gpt-5.4`, `claude-sonnet-4.5`) or provider-prefixed (`openai/gpt-5.4`);
 * priced at the model's list price (Copilot itself bills premium requests).
 */
import type { ParseOptions, TraceEvent } from "../normalized-call";
import { agentCall, readWhole, TOO_LARGE_MESSAGE, UNKNOWN_MODEL } from "./agent-call";
import { type ByteSource, dateOrNull, isRecord, parseJsonLine, stringOrNull, tokenCount } from "./lines";

interface Line {
  number: number;
  value: Record<string, unknown>;
}

function jsonLines(bytes: Buffer, errors: TraceEvent[]): Line[] {
  const lines: Line[] = [];
  bytes
    .toString("utf8")
    .split("\n")
    .forEach((raw, index) => {
      if (raw.trim() === "") return;
      const parsed = parseJsonLine(Buffer.from(raw));
      if ("error" in parsed) errors.push({ kind: "error", line: index + 1, message: parsed.error });
      else if (!isRecord(parsed.value))
        errors.push({ kind: "error", line: index + 1, message: "line is not a JSON object" });
      else lines.push({ number: index + 1, value: parsed.value });
    });
  return lines;
}

/** `.../session-state/<sessionId>/events.jsonl` -> the folder's name; else the file's stem. */
function sessionFromPath(fileName: string): string {
  const parts = fileName.split(/[\\/]/);
  const base = parts.pop() ?? fileName;
  if (base === "events.jsonl" && parts.length > 0) return parts[parts.length - 1]!;
  return base.replace(/\.jsonl?$/, "");
}

export async function* parseCopilotCli(
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
  const lines = jsonLines(bytes, errors);
  yield* errors;
  const isOtel = lines.some((line) => isRecord(line.value.attributes));
  yield* isOtel ? otelCalls(lines, fileName) : sessionStateCalls(lines, fileName, options);
}

function* sessionStateCalls(lines: Line[], fileName: string, options: ParseOptions): Generator<TraceEvent> {
  let sessionId = sessionFromPath(fileName);
  let cwd: string | null = null;
  let title: string | null = null;
  let startedAt: Date | null = null;
  const start = lines.find((line) => line.value.type === "session.start");
  if (start !== undefined && isRecord(start.value.data)) {
    sessionId = stringOrNull(start.value.data.sessionId) || sessionId;
    const context = isRecord(start.value.data.context) ? start.value.data.context : {};
    cwd = stringOrNull(context.cwd);
    startedAt = dateOrNull(start.value.timestamp);
  }
  if (options.withDetails) {
    const prompt = lines.find(
      (line) =>
        line.value.type === "user.message" && isRecord(line.value.data) && typeof line.value.data.content === "string",
    );
    title =
      prompt === undefined ? null : ((prompt.value.data as Record<string, unknown>).content as string).slice(0, 200);
    yield {
      kind: "session",
      sessionId,
      source: "copilot-cli",
      cwd,
      gitBranch: null,
      repositoryUrl: null,
      commitSha: null,
      title,
      cliVersion: null,
      startedAt,
    };
  }
  for (const line of lines) {
    if (line.value.type !== "session.shutdown") continue;
    const data = isRecord(line.value.data) ? line.value.data : {};
    const metrics = isRecord(data.modelMetrics) ? data.modelMetrics : {};
    const timestamp = dateOrNull(line.value.timestamp);
    if (timestamp === null) {
      yield { kind: "error", line: line.number, message: "session.shutdown without a valid timestamp" };
      continue;
    }
    for (const [model, metric] of Object.entries(metrics)) {
      if (!isRecord(metric)) continue;
      const usage = isRecord(metric.usage) ? metric.usage : {};
      const requests = isRecord(metric.requests) ? tokenCount(metric.requests.count) : 0;
      const count = Number.isInteger(requests) && requests > 0 ? Math.min(requests, 100_000) : 1;
      const cacheRead = tokenCount(usage.cacheReadTokens);
      const cacheWrite = tokenCount(usage.cacheWriteTokens);
      const totals = {
        uncachedInput: tokenCount(usage.inputTokens) - cacheRead - cacheWrite,
        cacheRead,
        cacheWrite5m: cacheWrite,
        output: tokenCount(usage.outputTokens),
        reasoning: tokenCount(usage.reasoningTokens),
      };
      if (!Object.values(totals).some((value) => value !== 0)) continue;
      for (let index = 0; index < count; index++) {
        const share = (total: number) => Math.floor(total / count) + (index === 0 ? total % count : 0);
        yield agentCall(line.number, {
          source: "copilot-cli",
          callKey: `${sessionId}:${stringOrNull(line.value.timestamp)}:${model}:${index}`,
          sessionId,
          timestamp,
          model,
          uncachedInput: share(totals.uncachedInput),
          cacheRead: share(totals.cacheRead),
          cacheWrite5m: share(totals.cacheWrite5m),
          output: share(totals.output),
          reasoning: share(totals.reasoning),
          cwd,
        });
      }
    }
  }
}

/** Priority of an OpenTelemetry record as the carrier of a response's counts; null for others (metrics). */
function otelKind(record: Record<string, unknown>): number | null {
  const attributes = record.attributes as Record<string, unknown>;
  const name = stringOrNull(record.name) ?? "";
  const isSpan = "type" in record ? record.type === "span" : Boolean(record.spanId || record.traceId);
  const body = stringOrNull(record._body) ?? stringOrNull(record.body) ?? "";
  if (isSpan && (attributes["gen_ai.operation.name"] === "chat" || name.startsWith("chat "))) return 0;
  if (
    !isSpan &&
    (attributes["event.name"] === "gen_ai.client.inference.operation.details" || body.startsWith("GenAI inference:"))
  )
    return 1;
  if (!isSpan && attributes["event.name"] === "copilot_chat.agent.turn") return 2;
  if (isSpan && (attributes["gen_ai.operation.name"] === "invoke_agent" || name.startsWith("invoke_agent "))) return 3;
  return null;
}

/** OpenTelemetry JS times: [seconds, nanoseconds] (hrTime), or an ISO string. */
function otelTime(value: unknown): Date | null {
  if (Array.isArray(value) && value.length === 2 && typeof value[0] === "number" && typeof value[1] === "number") {
    const date = new Date(value[0] * 1000 + Math.floor(value[1] / 1e6));
    return Number.isNaN(date.getTime()) ? null : date;
  }
  return dateOrNull(value);
}

function recordTime(record: Record<string, unknown>): Date | null {
  return (
    otelTime(record.endTime) ?? otelTime(record.startTime) ?? otelTime(record.hrTime) ?? otelTime(record.timestamp)
  );
}

function traceIdOf(record: Record<string, unknown>): string | null {
  return (
    stringOrNull(record.traceId) ?? (isRecord(record.spanContext) ? stringOrNull(record.spanContext.traceId) : null)
  );
}

function* otelCalls(lines: Line[], fileName: string): Generator<TraceEvent> {
  const candidates = lines
    .filter((line) => isRecord(line.value.attributes))
    .map((line) => ({ line, kind: otelKind(line.value) }))
    .filter((candidate): candidate is { line: Line; kind: number } => candidate.kind !== null);
  // A response's time, from whichever of its records has one (a chat span may carry none).
  const timeByResponse = new Map<string, Date>();
  for (const { line } of candidates) {
    const time = recordTime(line.value);
    if (time === null) continue;
    for (const id of [
      traceIdOf(line.value),
      stringOrNull((line.value.attributes as Record<string, unknown>)["gen_ai.response.id"]),
    ]) {
      if (id !== null && !timeByResponse.has(id)) timeByResponse.set(id, time);
    }
  }
  const keptTraces = new Set<string>();
  const keptResponses = new Set<string>();
  for (let level = 0; level < 4; level++) {
    const keptAtThisLevel: { traceId: string | null; responseId: string | null }[] = [];
    for (const { line, kind } of candidates) {
      if (kind !== level) continue;
      const record = line.value;
      const attributes = record.attributes as Record<string, unknown>;
      const traceId = traceIdOf(record);
      const responseId = stringOrNull(attributes["gen_ai.response.id"]);
      if ((traceId !== null && keptTraces.has(traceId)) || (responseId !== null && keptResponses.has(responseId)))
        continue;
      const input = tokenCount(attributes["gen_ai.usage.input_tokens"]);
      const output = tokenCount(attributes["gen_ai.usage.output_tokens"]);
      const cacheRead = tokenCount(attributes["gen_ai.usage.cache_read.input_tokens"]);
      const cacheWrite =
        tokenCount(attributes["gen_ai.usage.cache_creation.input_tokens"]) ||
        tokenCount(attributes["gen_ai.usage.cache_write.input_tokens"]);
      const reasoning = tokenCount(attributes["gen_ai.usage.reasoning.output_tokens"]);
      if (![input, output, cacheRead, cacheWrite, reasoning].some((count) => count !== 0)) continue;
      keptAtThisLevel.push({ traceId, responseId });
      const timestamp =
        recordTime(record) ??
        (responseId !== null ? timeByResponse.get(responseId) : undefined) ??
        (traceId !== null ? timeByResponse.get(traceId) : undefined) ??
        null;
      if (timestamp === null) {
        yield {
          kind: "error",
          line: line.number,
          message: "OpenTelemetry record without a time (endTime, startTime or hrTime)",
        };
        continue;
      }
      const sessionId = stringOrNull(attributes["gen_ai.conversation.id"]) || traceId || sessionFromPath(fileName);
      const spanId = stringOrNull(record.spanId);
      yield agentCall(line.number, {
        source: "copilot-cli",
        callKey:
          responseId !== null
            ? `otel:${responseId}`
            : traceId !== null && spanId !== null
              ? `otel:${traceId}:${spanId}`
              : `otel:${sessionId}:line:${line.number}`,
        sessionId,
        timestamp,
        model:
          stringOrNull(attributes["gen_ai.response.model"]) ||
          stringOrNull(attributes["gen_ai.request.model"]) ||
          UNKNOWN_MODEL,
        uncachedInput: input - cacheRead - cacheWrite,
        cacheRead,
        cacheWrite5m: cacheWrite,
        output,
        reasoning,
        requestId: responseId,
      });
    }
    // Records of one level never hide each other: two chat spans of one trace are two calls.
    for (const kept of keptAtThisLevel) {
      if (kept.traceId !== null) keptTraces.add(kept.traceId);
      if (kept.responseId !== null) keptResponses.add(kept.responseId);
    }
  }
}
