/**
 * Retries that changed nothing:
 * - a call that answered with an API error but was billed: the retry after it sent the same
 *   request again, so the error's cost bought nothing;
 * - the same command run again with the same result (name + command + output hash) in the same
 *   context: the model's turn that asked for it and the copy of the result it read are waste.
 * Only shell commands count for the second kind: their summary is the whole call, whereas two
 * Grep or Write calls with the same summary may differ in what they asked. A file read twice is
 * repeated-tool-output.
 */
import { plural, tokens, toolLabel, usd } from "./explain";
import { priceTokens } from "./pricing";
import { carryCost, contextPerCall, orderedByResult } from "./repeated-tool-output";
import { type CarriedOutput, carriedOutput, runThreads } from "./threads";
import type { RunWasteInput, WasteFinding, WasteToolCall } from "./types";

/** Tools whose summary is the full command they ran. */
export const COMMAND_TOOLS: ReadonlySet<string> = new Set([
  "Bash",
  "shell",
  "exec_command",
  "local_shell",
  "container.exec",
]);

export function detectRetries(input: RunWasteInput): { findings: WasteFinding[]; retryToolIds: Set<bigint> } {
  const findings: WasteFinding[] = [];
  const calls = input.calls;
  for (let i = 0; i < calls.length; i++) {
    const call = calls[i]!;
    if (!call.isApiError || call.costUsd <= 0) continue;
    const retry = calls.slice(i + 1).find((next) => next.agentId === call.agentId && !next.isApiError);
    findings.push({
      category: "retry",
      wastedTokens: call.contextTokens + call.output,
      wastedUsd: call.costUsd,
      callIds: retry ? [call.id, retry.id] : [call.id],
      explanation: `Ended in an API error but was billed ${usd(call.costUsd)} for ${tokens(call.contextTokens + call.output)}; ${retry ? "the next call sent the same request again" : "nothing came of it"}.`,
    });
  }

  const threads = runThreads(calls);
  const toolsByCall = new Map<bigint, WasteToolCall[]>();
  for (const tool of input.toolCalls)
    if (tool.callId !== null) toolsByCall.set(tool.callId, [...(toolsByCall.get(tool.callId) ?? []), tool]);
  const loops = new Map<
    string,
    { first: WasteToolCall; repeats: { tool: WasteToolCall; carried: CarriedOutput | null }[]; segment: number }
  >();
  const retryToolIds = new Set<bigint>();
  for (const tool of orderedByResult(input.toolCalls)) {
    if (!COMMAND_TOOLS.has(tool.name) || tool.summary === null || tool.outputHash === null || tool.callId === null)
      continue;
    const requester = threads.byCallId.get(tool.callId);
    if (!requester) continue;
    const key = `${requester.thread}\u0000${requester.segment}\u0000${tool.name}\u0000${tool.summary}\u0000${tool.outputHash}`;
    const loop = loops.get(key);
    if (!loop) {
      loops.set(key, { first: tool, repeats: [], segment: requester.segment });
      continue;
    }
    loop.repeats.push({ tool, carried: carriedOutput(threads, tool) });
    retryToolIds.add(tool.id);
  }

  for (const loop of loops.values()) {
    if (loop.repeats.length === 0) continue;
    let wastedUsd = 0;
    let wastedTokens = 0;
    const countedContext = new Map<bigint, number>();
    for (const { tool, carried } of loop.repeats) {
      // The turn that asked for the repeat is waste when that is all it asked for.
      const requested = toolsByCall.get(tool.callId!) ?? [];
      const requester = threads.byCallId.get(tool.callId!)!.call;
      if (requested.every((other) => retryToolIds.has(other.id)) && requested[0]!.id === tool.id) {
        wastedUsd += priceTokens(requester, { output: requester.output }, input.overrides);
        wastedTokens += requester.output;
      }
      const outputTokens = tool.outputTokens ?? 0;
      if (carried && outputTokens > 0) {
        wastedUsd += carryCost(carried, outputTokens, input, true);
        wastedTokens += outputTokens * (carried.later.length + 1);
        for (const [callId, count] of contextPerCall(carried, outputTokens, true))
          countedContext.set(callId, (countedContext.get(callId) ?? 0) + count);
      }
    }
    const runs = loop.repeats.length + 1;
    findings.push({
      category: "retry",
      wastedTokens,
      wastedUsd,
      callIds: [...loop.repeats.map((r) => r.tool.callId!), loop.first.callId!],
      explanation: `${toolLabel(loop.first.name, loop.first.summary)} ran ${plural(runs, "time")} with the same result each time; the ${plural(runs - 1, "repeat")} bought nothing new and cost ${usd(wastedUsd)}.`,
      countedContext,
    });
  }
  return { findings, retryToolIds };
}
