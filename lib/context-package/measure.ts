/**
 * The context package of one run, from its stored calls and tool calls (pure; lib/context-package/
 * recompute.ts stores the result).
 *
 * - Package tokens: the context of the run's first main-thread call (uncachedInput + cacheRead +
 *   cacheWrite), i.e. everything the agent sent before the model produced anything: system prompt,
 *   tool and MCP schemas, injected instructions and memory, and the first prompt (a transcript does
 *   not say where the prompt starts, so the package includes it: an upper bound by one prompt).
 * - Carried: every main-thread call (API errors excluded) re-sends that prefix; a call whose whole
 *   context is smaller (after /clear) carries only its context.
 * - Price paid per call (packageCallCost): the prompt cache is a prefix, so the package is the first
 *   part of each call's input. Of the P tokens a call carries, min(P, cacheRead) were read from the
 *   cache, the rest were written (1-hour writes first: Anthropic requires 1-hour breakpoints before
 *   5-minute ones) and what remains was sent uncached. Each part is priced at that call's own rate
 *   for its kind (its model, date, speed, long-context tier and the team's overrides).
 */
import { type PriceOverride, priceCall } from "@/lib/pricing/price-book";
import { carriedOutput, runThreads, type ThreadCall } from "@/lib/waste/threads";
import type { WasteCall, WasteToolCall } from "@/lib/waste/types";
import { instructionFileRead } from "./instruction-files";

export interface PackageCallCost {
  callId: bigint;
  carriedTokens: number;
  fromCacheRead: number;
  fromCacheWrite1h: number;
  fromCacheWrite5m: number;
  uncached: number;
  costUsd: number;
}

export interface InstructionFileUse {
  /** The path or word of the command that read it, as in the trace (untrusted). */
  path: string;
  /** The largest output of its reads (ToolCall.outputTokens, ~bytes / 4). */
  tokens: number;
  reads: number;
  /** Reads after the main thread's context was compacted or cleared. */
  readsAfterCompaction: number;
  /** Later calls of the same thread that carried a read's output again. */
  carriedCalls: number;
  /** Its tokens on those calls at each call's cache-read price: the least carrying them cost. */
  carriedUsd: number;
  toolCallIds: string[];
}

export interface RunPackage {
  firstCallId: bigint | null;
  packageTokens: number;
  callsCarried: number;
  packageCostUsd: number;
  perCall: PackageCallCost[];
  tools: { name: string; uses: number }[];
  instructionFiles: InstructionFileUse[];
}

/** The price of one token of `kind` on `call`, at the tier the call's whole input put it in. */
function unitPrice(
  call: WasteCall,
  kind: "uncachedInput" | "cacheRead" | "cacheWrite5m" | "cacheWrite1h",
  overrides: readonly PriceOverride[],
): number {
  const total = call.contextTokens;
  if (total === 0) return 0;
  const base = {
    model: call.model,
    timestamp: call.timestamp,
    speed: call.speed,
    uncachedInput: 0,
    cacheRead: 0,
    cacheWrite5m: 0,
    cacheWrite1h: 0,
    output: 0,
  };
  // Priced as `total` tokens of the kind, so the long-context tier is the call's own; the price of
  // an empty request (a per-request fee, if any) is taken off.
  return (priceCall({ ...base, [kind]: total }, overrides).costUsd - priceCall(base, overrides).costUsd) / total;
}

/** What carrying `packageTokens` cost on `call` (see the module comment for the split). */
export function packageCallCost(
  call: WasteCall,
  packageTokens: number,
  overrides: readonly PriceOverride[],
): PackageCallCost {
  const carriedTokens = Math.min(packageTokens, call.contextTokens);
  const fromCacheRead = Math.min(carriedTokens, call.cacheRead);
  const fromCacheWrite1h = Math.min(carriedTokens - fromCacheRead, call.cacheWrite1h);
  const fromCacheWrite5m = Math.min(carriedTokens - fromCacheRead - fromCacheWrite1h, call.cacheWrite5m);
  const uncached = carriedTokens - fromCacheRead - fromCacheWrite1h - fromCacheWrite5m;
  const costUsd =
    (fromCacheRead && fromCacheRead * unitPrice(call, "cacheRead", overrides)) +
    (fromCacheWrite1h && fromCacheWrite1h * unitPrice(call, "cacheWrite1h", overrides)) +
    (fromCacheWrite5m && fromCacheWrite5m * unitPrice(call, "cacheWrite5m", overrides)) +
    (uncached && uncached * unitPrice(call, "uncachedInput", overrides));
  return { callId: call.id, carriedTokens, fromCacheRead, fromCacheWrite1h, fromCacheWrite5m, uncached, costUsd };
}

export function measureRunPackage(
  calls: readonly WasteCall[],
  toolCalls: readonly WasteToolCall[],
  overrides: readonly PriceOverride[],
): RunPackage {
  const threads = runThreads(calls);
  const main: ThreadCall[] = threads.threads.get("") ?? [];
  const first = main[0]?.call ?? null;
  const packageTokens = first?.contextTokens ?? 0;
  const perCall = main.map((entry) => packageCallCost(entry.call, packageTokens, overrides));

  const uses = new Map<string, number>();
  for (const tool of toolCalls) uses.set(tool.name, (uses.get(tool.name) ?? 0) + 1);
  const tools = [...uses]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, count]) => ({ name, uses: count }));

  const files = new Map<string, InstructionFileUse>();
  for (const tool of toolCalls) {
    const path = instructionFileRead(tool.summary);
    if (path === null) continue;
    const file = files.get(path) ?? {
      path,
      tokens: 0,
      reads: 0,
      readsAfterCompaction: 0,
      carriedCalls: 0,
      carriedUsd: 0,
      toolCallIds: [],
    };
    file.tokens = Math.max(file.tokens, tool.outputTokens ?? 0);
    file.reads += 1;
    file.toolCallIds.push(String(tool.id));
    const requester = tool.callId === null ? undefined : threads.byCallId.get(tool.callId);
    if (requester !== undefined && requester.thread === "" && requester.segment > 0) file.readsAfterCompaction += 1;
    const carried = carriedOutput(threads, tool);
    if (carried !== null && tool.outputTokens) {
      file.carriedCalls += carried.later.length;
      for (const later of carried.later)
        file.carriedUsd += tool.outputTokens * unitPrice(later.call, "cacheRead", overrides);
    }
    files.set(path, file);
  }

  return {
    firstCallId: first?.id ?? null,
    packageTokens,
    callsCarried: perCall.length,
    packageCostUsd: perCall.reduce((sum, call) => sum + call.costUsd, 0),
    perCall,
    tools,
    instructionFiles: [...files.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
  };
}
