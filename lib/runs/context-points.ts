/**
 * A run's calls as points of its context-growth chart: what each call made the model read
 * (uncached input, cache read, cache write), what it wrote, the cost so far, and the events that
 * explain a jump: cache misses, compactions and large tool outputs.
 */
import type { RunCall } from "@/lib/queries/run-detail";

/** A tool output this large (about 5k tokens) is worth a marker: it is read again on every later call. */
export const LARGE_TOOL_OUTPUT_BYTES = 20_000;

export type ContextMarker = "cache-miss" | "compaction" | "large-tool-output";

export interface ContextPoint {
  /** The call's ordinal in the run (1..N). */
  index: number;
  callId: string;
  timestamp: string;
  uncachedInput: number;
  cacheRead: number;
  cacheWrite: number;
  output: number;
  contextTokens: number;
  costUsd: number;
  cumulativeCostUsd: number;
  markers: ContextMarker[];
}

/**
 * A cache miss: the call re-wrote most of a sizeable context instead of reading it from the cache
 * (the cache expired or the prefix changed). The first call of a thread writes its cache by
 * necessity, so a thread's first call is not a miss.
 */
export function isCacheMiss(
  call: Pick<RunCall, "cacheWriteTokens" | "cacheReadTokens" | "contextTokens">,
  firstOfThread: boolean,
): boolean {
  return (
    !firstOfThread &&
    call.contextTokens >= 2000 &&
    call.cacheWriteTokens >= 0.5 * call.contextTokens &&
    call.cacheReadTokens < 0.2 * call.contextTokens
  );
}

/** Claude Code runs a compaction as a subagent whose id starts with "acompact". */
export const isCompaction = (call: Pick<RunCall, "agentId">) => call.agentId?.startsWith("acompact") ?? false;

export function contextPoints(calls: RunCall[]): ContextPoint[] {
  const seenThreads = new Set<string>();
  let cumulative = 0;
  return calls.map((call) => {
    cumulative += call.costUsd;
    const thread = call.agentId ?? "";
    const markers: ContextMarker[] = [];
    if (isCacheMiss(call, !seenThreads.has(thread))) markers.push("cache-miss");
    if (isCompaction(call)) markers.push("compaction");
    if (call.toolCalls.some((tool) => (tool.outputBytes ?? 0) >= LARGE_TOOL_OUTPUT_BYTES))
      markers.push("large-tool-output");
    seenThreads.add(thread);
    return {
      index: call.ordinal,
      callId: call.id,
      timestamp: call.timestamp,
      uncachedInput: call.inputTokens,
      cacheRead: call.cacheReadTokens,
      cacheWrite: call.cacheWriteTokens,
      output: call.outputTokens,
      contextTokens: call.contextTokens,
      costUsd: call.costUsd,
      cumulativeCostUsd: cumulative,
      markers,
    };
  });
}
