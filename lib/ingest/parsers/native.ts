/**
 * The `native` format of `POST /api/v1/ingest?format=native`: for tools that already know their
 * token counts. JSONL, one billable model call per line:
 *
 * ```json
 * {"sessionId":"run-42","callKey":"resp_1","timestamp":"2026-01-05T10:00:00Z","model":"claude-sonnet-4-5",
 *  "inputTokens":1200,"outputTokens":300,"cacheWriteTokens":5000,"cacheWrite1hTokens":0,"cacheReadTokens":40000,
 *  "reasoningTokens":120,"agentId":null,"cwd":"/src/app","gitBranch":"main","title":"Fix the login bug","speed":"standard"}
 * ```
 *
 * - Required: `sessionId` (the run), `callKey` (unique within its session: the same key in
 *   another session is another call; sent again in the same session, a duplicate), `timestamp` (ISO 8601 with Z or an offset), `model`,
 *   `inputTokens` (UNCACHED input only: no cache reads or writes), `outputTokens` (including reasoning).
 * - Optional counts (default 0): `cacheWriteTokens` (all cache writes), `cacheWrite1hTokens` (the
 *   part of cacheWriteTokens written with a 1-hour lifetime), `cacheReadTokens`, `reasoningTokens`
 *   (the part of outputTokens spent on reasoning).
 * - Optional context: `agentId` (a subagent of the session), `cwd`, `gitBranch`, `title` (the
 *   run's first prompt), `speed` ("standard" or "fast"), `tags` (an object of string values, e.g.
 *   `{"team": "platform"}`: the run's tags, lib/ingest/run-tags.ts). The run's cwd, branch, title
 *   and tags are read from the first line of its session in the file.
 * - Unknown keys are ignored. A line that does not fit is reported with its line number and
 *   skipped; the other lines are kept.
 */
import { z } from "zod";
import { type NormalizedCall, type SessionEvent, TITLE_MAX_CHARS, type TraceEvent, truncate } from "../normalized-call";
import { cleanTags } from "../run-tags";
import { type ByteSource, parseJsonLine, readLineBatches } from "./lines";

const tokens = z.number().int().nonnegative();
const optionalText = z.string().min(1).nullish();

export const nativeCallSchema = z
  .object({
    sessionId: z.string().min(1),
    callKey: z.string().min(1),
    timestamp: z.iso.datetime({ offset: true }),
    model: z.string().min(1),
    inputTokens: tokens,
    outputTokens: tokens,
    cacheWriteTokens: tokens.default(0),
    cacheWrite1hTokens: tokens.default(0),
    cacheReadTokens: tokens.default(0),
    reasoningTokens: tokens.default(0),
    agentId: optionalText,
    cwd: optionalText,
    gitBranch: optionalText,
    title: optionalText,
    speed: z.enum(["standard", "fast"]).default("standard"),
    // Values that are not strings are dropped with the other unfit tags (lib/ingest/run-tags.ts), not the line.
    tags: z.record(z.string(), z.unknown()).nullish(),
  })
  .refine((line) => line.cacheWrite1hTokens <= line.cacheWriteTokens, {
    message: "cacheWrite1hTokens is part of cacheWriteTokens and cannot exceed it",
    path: ["cacheWrite1hTokens"],
  })
  .refine((line) => line.reasoningTokens <= line.outputTokens, {
    message: "reasoningTokens is part of outputTokens and cannot exceed it",
    path: ["reasoningTokens"],
  });

export type NativeCallLine = z.infer<typeof nativeCallSchema>;

/**
 * Parses one native JSONL file: a session event the first time a session appears, then its calls.
 * `fileName` is taken like every parser's, but native lines carry their own session and call ids.
 */
export async function* parseNativeStream(source: ByteSource, fileName: string): AsyncGenerator<TraceEvent> {
  void fileName;
  const seenSessions = new Set<string>();
  for await (const batch of readLineBatches(source)) {
    const events: TraceEvent[] = [];
    for (const line of batch) {
      const parsed = parseJsonLine(line.bytes);
      if ("error" in parsed) {
        events.push({ kind: "error", line: line.number, message: parsed.error });
        continue;
      }
      const result = nativeCallSchema.safeParse(parsed.value);
      if (!result.success) {
        const reasons = result.error.issues.map((issue) => `${issue.path.join(".") || "line"}: ${issue.message}`);
        events.push({ kind: "error", line: line.number, message: reasons.join("; ") });
        continue;
      }
      const call = nativeCall(result.data);
      if (!seenSessions.has(call.sessionId)) {
        seenSessions.add(call.sessionId);
        events.push(sessionEvent(result.data, call.timestamp));
      }
      events.push({ kind: "call", line: line.number, call });
    }
    yield* events;
  }
}

function nativeCall(line: NativeCallLine): NormalizedCall {
  const agentId = line.agentId ?? null;
  return {
    source: "native",
    callKey: line.callKey,
    messageId: null,
    sessionId: line.sessionId,
    agentId,
    isSidechain: agentId !== null,
    timestamp: new Date(line.timestamp),
    model: line.model,
    uncachedInput: line.inputTokens,
    cacheRead: line.cacheReadTokens,
    cacheWrite5m: line.cacheWriteTokens - line.cacheWrite1hTokens,
    cacheWrite1h: line.cacheWrite1hTokens,
    output: line.outputTokens,
    reasoning: line.reasoningTokens,
    speed: line.speed,
    isApiError: false,
    cwd: line.cwd ?? null,
    gitBranch: line.gitBranch ?? null,
    version: null,
    requestId: null,
    toolUses: [],
    stopReason: null,
  };
}

function sessionEvent(line: NativeCallLine, startedAt: Date): SessionEvent {
  return {
    kind: "session",
    sessionId: line.sessionId,
    source: "native",
    cwd: line.cwd ?? null,
    gitBranch: line.gitBranch ?? null,
    repositoryUrl: null,
    commitSha: null,
    title: line.title ? truncate(line.title, TITLE_MAX_CHARS) : null,
    cliVersion: null,
    startedAt,
    ...(line.tags ? { tags: cleanTags(line.tags) } : {}),
  };
}
