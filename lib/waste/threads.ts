/**
 * A run's calls as agent threads (the main thread and each subagent), cut into segments at
 * compactions, and how long a tool output stays in a thread's context.
 *
 * A tool output enters the context at the first call of the thread after its result came back,
 * and is carried by every later call of that thread until the context is compacted. A compaction
 * is a call of a compaction agent (agentId "acompact-...") between two main-thread calls, or, for
 * any thread, a call whose context is less than half of the previous one's (/clear, Codex
 * compaction): the old content is gone either way.
 */
import type { WasteCall, WasteToolCall } from "./types";

const CONTEXT_DROP_RATIO = 0.5;

export const isCompactionAgent = (agentId: string | null): boolean => agentId?.startsWith("acompact") ?? false;

export interface ThreadCall {
  call: WasteCall;
  /** Position in its thread (API errors excluded). */
  index: number;
  /** Increases at each compaction of the thread. */
  segment: number;
}

export interface RunThreads {
  /** Thread key ("" for the main thread, else the agentId) -> its calls in order. */
  threads: Map<string, ThreadCall[]>;
  byCallId: Map<bigint, ThreadCall & { thread: string }>;
}

export const threadKey = (agentId: string | null): string => agentId ?? "";

/**
 * The threads of each calls array already cut: the detectors, the cost anatomy and the context
 * package each need a run's threads, and the recompute hands them the same array (a run's calls,
 * never changed once read), so they are cut once per run instead of seven times.
 */
const threadsOf = new WeakMap<readonly WasteCall[], RunThreads>();

/** Calls that answered with an API error are left out: they carried nothing into any context. */
export function runThreads(calls: readonly WasteCall[]): RunThreads {
  let threads = threadsOf.get(calls);
  if (!threads) {
    threads = cutThreads(calls);
    threadsOf.set(calls, threads);
  }
  return threads;
}

function cutThreads(calls: readonly WasteCall[]): RunThreads {
  const compactionTimes = calls.filter((c) => isCompactionAgent(c.agentId)).map((c) => c.timestamp.getTime());
  const threads = new Map<string, ThreadCall[]>();
  const byCallId = new Map<bigint, ThreadCall & { thread: string }>();
  for (const call of calls) {
    if (call.isApiError) continue;
    const key = threadKey(call.agentId);
    const thread = threads.get(key) ?? [];
    const previous = thread[thread.length - 1];
    let segment = previous?.segment ?? 0;
    if (previous) {
      const from = previous.call.timestamp.getTime();
      const to = call.timestamp.getTime();
      const compactedBetween = key === "" && compactionTimes.some((time) => time > from && time <= to);
      if (compactedBetween || call.contextTokens < previous.call.contextTokens * CONTEXT_DROP_RATIO) segment += 1;
    }
    const entry = { call, index: thread.length, segment };
    thread.push(entry);
    threads.set(key, thread);
    byCallId.set(call.id, { ...entry, thread: key });
  }
  return { threads, byCallId };
}

export interface CarriedOutput {
  /** The call of the thread that first read the output. */
  entering: ThreadCall;
  /** Every later call of the same thread and segment: they paid to read it again. */
  later: ThreadCall[];
  thread: string;
}

/**
 * Where a tool's output sat in its thread: from the call that first read it (`entering`, its
 * position in the thread) to `end`, the position after the last call of the same segment that
 * carried it; null when it never entered a context. Positions only, so a caller summing over every
 * tool allocates nothing per carrying call.
 */
export function carriedSpan(
  threads: RunThreads,
  tool: WasteToolCall,
): { thread: string; entering: number; end: number } | null {
  if (tool.callId === null) return null;
  const requester = threads.byCallId.get(tool.callId);
  if (!requester) return null;
  const thread = threads.threads.get(requester.thread)!;
  const resultTime = (tool.resultAt ?? tool.timestamp).getTime();
  // A thread's calls are in order, each at its own position (ThreadCall.index).
  let entering = requester.index + 1;
  while (entering < thread.length && thread[entering]!.call.timestamp.getTime() < resultTime) entering++;
  if (entering === thread.length) return null;
  const segment = thread[entering]!.segment;
  let end = entering + 1;
  while (end < thread.length && thread[end]!.segment === segment) end++;
  return { thread: requester.thread, entering, end };
}

/** Where a tool's output entered the context and which calls carried it; null when it never did. */
export function carriedOutput(threads: RunThreads, tool: WasteToolCall): CarriedOutput | null {
  const span = carriedSpan(threads, tool);
  if (!span) return null;
  const thread = threads.threads.get(span.thread)!;
  return { entering: thread[span.entering]!, later: thread.slice(span.entering + 1, span.end), thread: span.thread };
}
