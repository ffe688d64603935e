/**
 * Where a run's money went, two ways, with the time beside it:
 * - by phase, each model call classified from the tools its response asked for (PHASE_RULES,
 *   first matching row wins; a call asking for several tools takes the phase of the row highest
 *   in the table). A call that asked for no tool is the final summary (handoff) when it is the
 *   last call of the main thread, else it continues the phase of the call before it in its thread.
 * - by cause: the task's own new tokens (uncached input, cache writes, output), context carried
 *   from earlier calls (cache reads), tool output (the share of the context that tool outputs
 *   carried at that call make up), retries and errors (calls that answered with an API error, or
 *   that only asked for tools that failed or repeated a command with the same result).
 * Each call's cost is split in proportion to the list prices of its parts, so the parts add up to
 * what the call cost. Time: each gap between one call and the next call of the run goes to the
 * earlier call's phase.
 */

import { priceTokens } from "./pricing";
import { COMMAND_TOOLS, detectRetries } from "./retry";
import { carriedSpan, runThreads } from "./threads";
import type { RunWasteInput, WasteToolCall } from "./types";

export const phases = ["discovery", "implementation", "verification", "handoff", "other"] as const;
export type Phase = (typeof phases)[number];
export const causes = ["new", "carried", "toolOutput", "retries"] as const;
export type Cause = (typeof causes)[number];

/** The classification rules, highest precedence first. `command` applies to shell tools' commands. */
export const PHASE_RULES: ReadonlyArray<{ phase: Phase; tools?: readonly string[]; command?: RegExp }> = [
  { phase: "handoff", command: /\bgit\s+(commit|push)\b|\bgh\s+pr\s+(create|edit|merge|ready)\b/ },
  {
    phase: "verification",
    command:
      /\b(npm|pnpm|yarn|bun)\s+(run\s+)?(test|lint|build|typecheck|check)\b|\bnpx\s+(tsc|eslint|vitest|jest|playwright)\b|\b(pytest|tsc|eslint|vitest|jest|ruff|mypy|make)\b|\bcargo\s+(test|check|clippy|build)\b|\bgo\s+(test|vet|build)\b/,
  },
  {
    phase: "implementation",
    tools: ["Edit", "Write", "MultiEdit", "NotebookEdit", "apply_patch", "write_file", "edit_file"],
    command: /\bsed\s+-i\b|\bapply_patch\b/,
  },
  {
    phase: "discovery",
    tools: [
      "Read",
      "Grep",
      "Glob",
      "LS",
      "WebFetch",
      "WebSearch",
      "NotebookRead",
      "read_file",
      "list_dir",
      "grep_files",
      "view_image",
    ],
    command:
      /^\s*(cd\s+\S+\s*&&\s*)?(cat|rg|grep|ls|find|head|tail|sed\s+-n|nl|wc|tree|pwd|git\s+(status|diff|log|show|grep|blame))\b/,
  },
];

const phasePrecedence: readonly Phase[] = [...PHASE_RULES.map((rule) => rule.phase), "other"];

export interface CostAnatomy {
  costUsd: number;
  phaseUsd: Record<Phase, number>;
  /** Time from each call to the next call of the run, by the earlier call's phase. */
  phaseMs: Record<Phase, number>;
  causeUsd: Record<Cause, number>;
  /** First to last call. */
  wallMs: number;
  calls: number;
  longestGapMs: number;
}

export function emptyAnatomy(): CostAnatomy {
  const zero = <K extends string>(keys: readonly K[]) =>
    Object.fromEntries(keys.map((key) => [key, 0])) as Record<K, number>;
  return {
    costUsd: 0,
    phaseUsd: zero(phases),
    phaseMs: zero(phases),
    causeUsd: zero(causes),
    wallMs: 0,
    calls: 0,
    longestGapMs: 0,
  };
}

function toolPhase(tool: WasteToolCall): Phase {
  const isCommand = COMMAND_TOOLS.has(tool.name);
  for (const rule of PHASE_RULES) {
    if (rule.tools?.includes(tool.name)) return rule.phase;
    if (isCommand && rule.command && tool.summary !== null && rule.command.test(tool.summary)) return rule.phase;
  }
  return "other";
}

export function costAnatomy(input: RunWasteInput): CostAnatomy {
  const anatomy = emptyAnatomy();
  const calls = input.calls;
  if (calls.length === 0) return anatomy;
  const threads = runThreads(calls);
  const toolsByCall = new Map<bigint, WasteToolCall[]>();
  for (const tool of input.toolCalls)
    if (tool.callId !== null) toolsByCall.set(tool.callId, [...(toolsByCall.get(tool.callId) ?? []), tool]);
  const { retryToolIds } = detectRetries(input);
  // Tool output tokens in each call's context: each output counts at every call of its span
  // (carriedSpan), summed with one difference array per thread rather than call by call, which
  // grew with tools times calls on a long run.
  const spanDeltas = new Map<string, number[]>();
  for (const tool of input.toolCalls) {
    const span = tool.outputTokens ? carriedSpan(threads, tool) : null;
    if (!span) continue;
    let deltas = spanDeltas.get(span.thread);
    if (!deltas) {
      deltas = new Array<number>(threads.threads.get(span.thread)!.length + 1).fill(0);
      spanDeltas.set(span.thread, deltas);
    }
    deltas[span.entering]! += tool.outputTokens!;
    deltas[span.end]! -= tool.outputTokens!;
  }
  const toolContext = new Map<bigint, number>();
  for (const [key, deltas] of spanDeltas) {
    const thread = threads.threads.get(key)!;
    let inContext = 0;
    for (let i = 0; i < thread.length; i++) {
      inContext += deltas[i]!;
      if (inContext !== 0) toolContext.set(thread[i]!.call.id, inContext);
    }
  }

  const phaseOf = new Map<bigint, Phase>();
  const lastMain = threads.threads.get("")?.at(-1)?.call.id;
  for (const thread of threads.threads.values()) {
    let previous: Phase = "discovery";
    for (const { call } of thread) {
      const tools = toolsByCall.get(call.id) ?? [];
      let phase: Phase;
      if (tools.length > 0)
        phase = tools.map(toolPhase).sort((a, b) => phasePrecedence.indexOf(a) - phasePrecedence.indexOf(b))[0]!;
      else phase = call.id === lastMain ? "handoff" : previous;
      phaseOf.set(call.id, phase);
      previous = phase;
    }
  }

  for (let i = 0; i < calls.length; i++) {
    const call = calls[i]!;
    const phase = phaseOf.get(call.id) ?? "other";
    anatomy.costUsd += call.costUsd;
    anatomy.calls += 1;
    anatomy.phaseUsd[phase] += call.costUsd;
    const next = calls[i + 1];
    if (next) {
      const gap = next.timestamp.getTime() - call.timestamp.getTime();
      anatomy.phaseMs[phase] += gap;
      anatomy.longestGapMs = Math.max(anatomy.longestGapMs, gap);
    }
    const tools = toolsByCall.get(call.id) ?? [];
    const wasted =
      call.isApiError || (tools.length > 0 && tools.every((tool) => tool.isError || retryToolIds.has(tool.id)));
    if (wasted) {
      anatomy.causeUsd.retries += call.costUsd;
      continue;
    }
    const output = priceTokens(call, { output: call.output }, input.overrides);
    const fresh = priceTokens(
      call,
      { uncachedInput: call.uncachedInput, cacheWrite5m: call.cacheWrite5m, cacheWrite1h: call.cacheWrite1h },
      input.overrides,
    );
    const carried = priceTokens(call, { cacheRead: call.cacheRead }, input.overrides);
    const listTotal = output + fresh + carried;
    if (listTotal === 0) continue;
    const scale = call.costUsd / listTotal;
    const toolShare = call.contextTokens === 0 ? 0 : Math.min(1, (toolContext.get(call.id) ?? 0) / call.contextTokens);
    anatomy.causeUsd.toolOutput += (fresh + carried) * toolShare * scale;
    anatomy.causeUsd.new += (output + fresh * (1 - toolShare)) * scale;
    anatomy.causeUsd.carried += carried * (1 - toolShare) * scale;
  }
  anatomy.wallMs = calls[calls.length - 1]!.timestamp.getTime() - calls[0]!.timestamp.getTime();
  return anatomy;
}

/** Sums anatomies (the team's bar). */
export function addAnatomy(into: CostAnatomy, other: CostAnatomy): CostAnatomy {
  into.costUsd += other.costUsd;
  into.calls += other.calls;
  into.wallMs += other.wallMs;
  into.longestGapMs = Math.max(into.longestGapMs, other.longestGapMs);
  for (const phase of phases) {
    into.phaseUsd[phase] += other.phaseUsd[phase];
    into.phaseMs[phase] += other.phaseMs[phase];
  }
  for (const cause of causes) into.causeUsd[cause] += other.causeUsd[cause];
  return into;
}
