/**
 * Repeated tool output: the same output (by hash) entering a context that still holds an earlier
 * copy of it, e.g. a file read twice. Waste = the repeated tokens at the price each call paid for
 * them: the cache write (or input) price on the call that first read the copy, the cache read
 * price on every later call that carried it.
 *
 * Outputs under MIN_REPEATED_TOKENS are ignored (an empty result or "ok" repeats harmlessly), and
 * a copy after a compaction is not a repeat: the earlier one is gone. Tool calls that the retry
 * detector counts (same call, same result) are left to it.
 */
import { plural, tokens, toolLabel, usd } from "./explain";
import { newContentKind, priceTokens } from "./pricing";
import { type CarriedOutput, carriedOutput, runThreads } from "./threads";
import type { RunWasteInput, WasteFinding, WasteToolCall } from "./types";

export const MIN_REPEATED_TOKENS = 200;

/** What carrying an output cost: as new content where it entered, as a cache read after. */
export function carryCost(
  carried: CarriedOutput,
  outputTokens: number,
  input: RunWasteInput,
  includeEntering: boolean,
): number {
  const entering = includeEntering
    ? priceTokens(carried.entering.call, { [newContentKind(carried.entering.call)]: outputTokens }, input.overrides)
    : 0;
  return carried.later.reduce(
    (sum, entry) => sum + priceTokens(entry.call, { cacheRead: outputTokens }, input.overrides),
    entering,
  );
}

/** The earlier tool call whose identical output is still in the same context, if any. */
export function earlierCopyInContext(
  earlier: readonly { tool: WasteToolCall; carried: CarriedOutput }[],
  carried: CarriedOutput,
  hash: string,
) {
  return earlier.find(
    (seen) =>
      seen.tool.outputHash === hash &&
      seen.carried.thread === carried.thread &&
      seen.carried.entering.segment === carried.entering.segment,
  );
}

export function detectRepeatedToolOutput(input: RunWasteInput, retryToolIds: ReadonlySet<bigint>): WasteFinding[] {
  const threads = runThreads(input.calls);
  const seen: { tool: WasteToolCall; carried: CarriedOutput }[] = [];
  const findings: WasteFinding[] = [];
  for (const tool of orderedByResult(input.toolCalls)) {
    if (tool.outputHash === null || tool.outputTokens === null || tool.outputTokens < MIN_REPEATED_TOKENS) continue;
    const carried = carriedOutput(threads, tool);
    if (!carried) continue;
    const original = earlierCopyInContext(seen, carried, tool.outputHash);
    seen.push({ tool, carried });
    if (!original || retryToolIds.has(tool.id)) continue;
    const calls = carried.later.length + 1;
    const wastedUsd = carryCost(carried, tool.outputTokens, input, true);
    findings.push({
      category: "repeated-tool-output",
      wastedTokens: tool.outputTokens * calls,
      wastedUsd,
      callIds: [tool.callId!, original.tool.callId!],
      countedContext: contextPerCall(carried, tool.outputTokens, true),
      explanation: `${toolLabel(tool.name, tool.summary)} returned the same ${tokens(tool.outputTokens)} that ${toolLabel(original.tool.name, original.tool.summary)} had already put in the context, and the copy was carried for ${plural(calls, "call")}, costing ${usd(wastedUsd)}.`,
    });
  }
  return findings;
}

/** The output's tokens on each call that carried it. */
export function contextPerCall(
  carried: CarriedOutput,
  outputTokens: number,
  includeEntering: boolean,
): Map<bigint, number> {
  const entries = includeEntering ? [carried.entering, ...carried.later] : carried.later;
  return new Map(entries.map((entry) => [entry.call.id, outputTokens]));
}

export function orderedByResult(toolCalls: readonly WasteToolCall[]): WasteToolCall[] {
  return [...toolCalls].sort(
    (a, b) => (a.resultAt ?? a.timestamp).getTime() - (b.resultAt ?? b.timestamp).getTime() || Number(a.id - b.id),
  );
}
