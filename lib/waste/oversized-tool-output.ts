/**
 * Oversized tool output: one output of OVERSIZED_TOKENS or more carried by MIN_LATER_CALLS or more
 * later calls. Reading it once is the work; carrying it in every later call is the waste
 * (a narrower read, a grep or a summary would have done): tokens x later calls x the cache read
 * price each of them paid. A repeated copy is counted as repeated-tool-output instead.
 */
import { plural, tokens, toolLabel, usd } from "./explain";
import { carryCost, contextPerCall, earlierCopyInContext, orderedByResult } from "./repeated-tool-output";
import { type CarriedOutput, carriedOutput, runThreads } from "./threads";
import type { RunWasteInput, WasteFinding, WasteToolCall } from "./types";

export const OVERSIZED_TOKENS = 10_000;
export const MIN_LATER_CALLS = 3;

export function detectOversizedToolOutput(input: RunWasteInput): WasteFinding[] {
  const threads = runThreads(input.calls);
  const seen: { tool: WasteToolCall; carried: CarriedOutput }[] = [];
  const findings: WasteFinding[] = [];
  for (const tool of orderedByResult(input.toolCalls)) {
    if (tool.outputTokens === null || tool.outputTokens < OVERSIZED_TOKENS) continue;
    const carried = carriedOutput(threads, tool);
    if (!carried) continue;
    const repeat = tool.outputHash !== null && earlierCopyInContext(seen, carried, tool.outputHash) !== undefined;
    seen.push({ tool, carried });
    if (repeat || carried.later.length < MIN_LATER_CALLS) continue;
    const wastedUsd = carryCost(carried, tool.outputTokens, input, false);
    findings.push({
      category: "oversized-tool-output",
      wastedTokens: tool.outputTokens * carried.later.length,
      wastedUsd,
      callIds: [tool.callId!, carried.entering.call.id],
      countedContext: contextPerCall(carried, tool.outputTokens, false),
      explanation: `${toolLabel(tool.name, tool.summary)} returned about ${tokens(tool.outputTokens)}, carried by ${plural(carried.later.length, "later call")} for ${usd(wastedUsd)}; a narrower read or search would have kept it out.`,
    });
  }
  return findings;
}
