/**
 * The shapes the waste detectors work on: one run's calls and tool calls as stored (lib/ingest),
 * and the findings they return. Detectors are pure functions over these; lib/waste/load-runs.ts
 * reads them from the database and lib/waste/recompute.ts stores the findings.
 */
import type { PriceOverride } from "@/lib/pricing/price-book";

/** The exact category names of docs/CONTRACT.md's waste endpoints. */
export const wasteCategories = [
  "cache-miss",
  "repeated-tool-output",
  "oversized-tool-output",
  "retry",
  "context-growth",
  "no-accepted-outcome",
] as const;
export type WasteCategory = (typeof wasteCategories)[number];

/** One billable model call of the run (a Call row). */
export interface WasteCall {
  id: bigint;
  /** Subagent id; null on the main thread. Compaction calls have an id starting "acompact". */
  agentId: string | null;
  timestamp: Date;
  model: string;
  speed: "standard" | "fast";
  uncachedInput: number;
  cacheRead: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  output: number;
  contextTokens: number;
  costUsd: number;
  isApiError: boolean;
}

/** A tool the model called (a ToolCall row). */
export interface WasteToolCall {
  id: bigint;
  /** The call whose response asked for the tool; null when the request was never stored. */
  callId: bigint | null;
  name: string;
  /** The command or file path. Untrusted trace content: quoted in explanations, rendered as text. */
  summary: string | null;
  /** ~outputBytes / 4; null when the result was never stored. */
  outputTokens: number | null;
  outputHash: string | null;
  isError: boolean;
  timestamp: Date;
  resultAt: Date | null;
}

export interface RunWasteInput {
  runId: string;
  startedAt: Date;
  endedAt: Date;
  /** Run.outcome: ACCEPTED, REJECTED, ABANDONED, PROPOSED or null. */
  outcome: string | null;
  costUsd: number;
  /** Ordered by timestamp, then id. */
  calls: WasteCall[];
  toolCalls: WasteToolCall[];
  /** The team's price overrides, so counterfactuals are priced as the calls were. */
  overrides: readonly PriceOverride[];
  /**
   * The usual context growth per main-thread call (tokens) of the run's project, the median over
   * its other runs; null when the project has too few runs to have a usual curve.
   */
  usualContextGrowthPerCall: number | null;
}

export interface WasteFinding {
  category: WasteCategory;
  wastedTokens: number;
  wastedUsd: number;
  /** The calls that prove it; the first is the one to look at first. */
  callIds: bigint[];
  /** One plain sentence with the numbers. */
  explanation: string;
  /**
   * Context tokens this finding already counts on each call (repeated and oversized outputs), so
   * context-growth does not count them again. Not stored.
   */
  countedContext?: Map<bigint, number>;
}
