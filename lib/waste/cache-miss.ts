/**
 * Cache misses: a call that wrote to the cache a prefix the previous call of its thread had
 * already cached. Waste = what writing those tokens cost above reading them from the cache.
 *
 * The first call of a run (and of each subagent) is left out on purpose: its context is new by
 * definition, so writing it is the price of starting, not waste. A call whose context shrank
 * below what was cached (compaction, /clear, rewind) is also left out: its content is new.
 * A compaction agent's first call continues the main thread (it re-sends the conversation to
 * summarize it), so it is compared with the main thread's last call before it.
 */
import { duration, tokens, usd } from "./explain";
import { priceTokens } from "./pricing";
import { isCompactionAgent, runThreads, type ThreadCall } from "./threads";
import type { RunWasteInput, WasteCall, WasteFinding } from "./types";

/** Anthropic caches prompts of 1,024 tokens and more; shorter shortfalls are breakpoint noise. */
export const MIN_MISSED_TOKENS = 1024;
const FIVE_MINUTES = 5 * 60_000;
const ONE_HOUR = 60 * 60_000;

/** Writes over a missed cache, in the 5m/1h shares the call wrote, spilling into uncached input. */
function rewrittenSplit(
  call: WasteCall,
  missed: number,
): { cacheWrite5m: number; cacheWrite1h: number; uncachedInput: number } {
  const written = call.cacheWrite5m + call.cacheWrite1h;
  const fromWrites = Math.min(missed, written);
  const cacheWrite1h = written === 0 ? 0 : Math.round((fromWrites * call.cacheWrite1h) / written);
  return {
    cacheWrite1h,
    cacheWrite5m: fromWrites - cacheWrite1h,
    uncachedInput: Math.min(missed - fromWrites, call.uncachedInput),
  };
}

/** The cache's life depends on how the prefix was last written: 1 hour writes live an hour. */
function cacheLife(thread: ThreadCall[], upToIndex: number): number {
  for (let i = upToIndex; i >= 0; i--) {
    const call = thread[i]!.call;
    if (call.cacheWrite1h > 0) return ONE_HOUR;
    if (call.cacheWrite5m > 0) return FIVE_MINUTES;
  }
  return FIVE_MINUTES;
}

export function detectCacheMisses(input: RunWasteInput): WasteFinding[] {
  const threads = runThreads(input.calls);
  const main = threads.threads.get("") ?? [];
  const findings: WasteFinding[] = [];
  for (const thread of threads.threads.values()) {
    for (const entry of thread) {
      let previous: ThreadCall | undefined = thread[entry.index - 1];
      let compaction = false;
      if (!previous && isCompactionAgent(entry.call.agentId)) {
        previous = [...main].reverse().find((m) => m.call.timestamp <= entry.call.timestamp);
        compaction = previous !== undefined;
      }
      const call = entry.call;
      if (previous) {
        const cachedBefore = previous.call.cacheRead + previous.call.cacheWrite5m + previous.call.cacheWrite1h;
        const shortfall = cachedBefore - call.cacheRead;
        const reset = call.contextTokens < cachedBefore;
        const split = rewrittenSplit(call, Math.max(0, shortfall));
        const rewritten = split.cacheWrite5m + split.cacheWrite1h + split.uncachedInput;
        if (!reset && rewritten >= MIN_MISSED_TOKENS) {
          const life = cacheLife(compaction ? main : thread, previous.index);
          const idle = call.timestamp.getTime() - previous.call.timestamp.getTime();
          let cause: string;
          if (previous.call.model !== call.model)
            cause = `the model changed from ${previous.call.model} to ${call.model} (each model has its own cache)`;
          else if (idle > life)
            cause = `it came ${duration(idle)} after the previous call, past the cache's ${life === ONE_HOUR ? "1-hour" : "5-minute"} life`;
          else if (compaction) cause = "the compaction re-sent the conversation instead of reading it from the cache";
          else if (call.cacheRead === 0)
            cause =
              "the prompt changed at its very start (the system prompt or the tool list), so nothing was read from the cache";
          else
            cause = `the prompt changed after its first ${tokens(call.cacheRead)} (an edited message, a reminder or a new tool list)`;
          const paid = priceTokens(call, split, input.overrides);
          const asRead = priceTokens(call, { cacheRead: rewritten }, input.overrides);
          findings.push({
            category: "cache-miss",
            wastedTokens: rewritten,
            wastedUsd: paid - asRead,
            callIds: [call.id, previous.call.id],
            explanation: `Re-sent ${tokens(rewritten)} that were already cached, because ${cause}: ${usd(paid)} instead of ${usd(asRead)} as a cache read.`,
          });
        }
      }
    }
  }
  return findings;
}
