/**
 * Recommendations: one sentence each, with a dollar figure that is exactly the sum of what the runs
 * it cites (runIds) recorded, and those runs to prove it. Pure, over the range's PackageRun rows.
 *
 * - mcp-rarely-used: a project's runs used an MCP server's tools in at most a quarter of its runs;
 *   its tool definitions ride in every run's package (inferred: transcripts do not list the tools
 *   offered, so a server seen in any run of the project is taken as configured for all of them).
 *   Figure: the package cost of all the project's runs of the range.
 * - package-grew: the package of a project stepped up between two consecutive runs and stayed up;
 *   names the instruction file that grew at the same step when one did. Figure: the package cost
 *   of the runs since the step.
 * - instruction-reread: an instruction file the agent read again with a tool (it is already in the
 *   package when the agent loads it itself), after compactions too. Figure: its tokens carried on
 *   the later calls at their cache-read price (the least that carrying cost).
 * - far-above-median: a project whose median package is FAR_ABOVE_MEDIAN times the team's median.
 *   Figure: the package cost of its runs.
 */
import { formatInteger, formatTokens, formatUsd } from "@/lib/format";
import { picoUsdToNumber, sumPicoUsd } from "./exact-usd";
import { mcpServerOf } from "./instruction-files";
import type { PackageRun, ProjectPackage } from "./report";

export type RecommendationKind = "mcp-rarely-used" | "package-grew" | "instruction-reread" | "far-above-median";

export interface Recommendation {
  kind: RecommendationKind;
  project: string;
  /** Plain text; contains trace content (file paths, server names): render it as text. */
  text: string;
  usd: number;
  /** Main-thread calls of the cited runs the figure counts. */
  calls: number;
  runIds: string[];
}

/** Used in at most this share of a project's runs, an MCP server is "rarely used". */
const RARELY_USED_SHARE = 0.25;
const MIN_RUNS_FOR_SHARES = 4;
/** A package step counts when it grows by this factor and this many tokens, and the runs since keep it. */
const GROWTH_FACTOR = 1.25;
const GROWTH_MIN_TOKENS = 2_000;

const percent = (share: number): string => `${Math.round(share * 100)}%`;

function packageFigure(runs: readonly PackageRun[]): { usd: number; calls: number; runIds: string[] } {
  return {
    usd: picoUsdToNumber(sumPicoUsd(runs.map((run) => run.packagePicoUsd))),
    calls: runs.reduce((sum, run) => sum + run.callsCarried, 0),
    runIds: runs.map((run) => run.runId),
  };
}

function mcpRarelyUsed(project: string, runs: readonly PackageRun[]): Recommendation[] {
  if (runs.length < MIN_RUNS_FOR_SHARES) return [];
  const runsUsing = new Map<string, number>();
  for (const run of runs) {
    for (const server of new Set(run.tools.flatMap((tool) => mcpServerOf(tool.name) ?? [])))
      runsUsing.set(server, (runsUsing.get(server) ?? 0) + 1);
  }
  const figure = packageFigure(runs);
  return [...runsUsing]
    .filter(([, used]) => used / runs.length <= RARELY_USED_SHARE)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([server, used]) => ({
      kind: "mcp-rarely-used" as const,
      project,
      text: `MCP server ${server}'s tool definitions ride in ${project}'s context package, carried on ${formatInteger(figure.calls)} calls (${formatUsd(figure.usd)}); its tools were used in ${percent(used / runs.length)} of runs (${used} of ${runs.length}).`,
      ...figure,
    }));
}

function packageGrew(project: string, runs: readonly PackageRun[]): Recommendation[] {
  // The latest step up that the runs since kept (their smallest package stays above the step).
  const smallestFrom = runs.map((run) => run.packageTokens);
  for (let i = smallestFrom.length - 2; i >= 0; i--) smallestFrom[i] = Math.min(smallestFrom[i]!, smallestFrom[i + 1]!);
  for (let i = runs.length - 1; i >= 1; i--) {
    const before = runs[i - 1]!;
    const after = runs[i]!;
    if (
      after.packageTokens < before.packageTokens * GROWTH_FACTOR ||
      after.packageTokens - before.packageTokens < GROWTH_MIN_TOKENS
    )
      continue;
    if (smallestFrom[i]! < before.packageTokens * GROWTH_FACTOR) continue;
    const since = runs.slice(i);
    const earlier = runs.slice(0, i);
    const perCall = (list: readonly PackageRun[]) =>
      list.reduce((sum, run) => sum + run.spendUsd, 0) /
      Math.max(
        1,
        list.reduce((sum, run) => sum + run.runCalls, 0),
      );
    const change = perCall(earlier) > 0 ? perCall(since) / perCall(earlier) - 1 : 0;
    const grownFile = after.instructionFiles
      .map((file) => ({ file, previous: before.instructionFiles.find((old) => old.path === file.path) }))
      .find(({ file, previous }) => previous !== undefined && file.tokens > previous.tokens);
    const what = grownFile
      ? `${grownFile.file.path} grew from ${formatTokens(grownFile.previous!.tokens)} to ${formatTokens(grownFile.file.tokens)} tokens and ${project}'s context package from ${formatTokens(before.packageTokens)} to ${formatTokens(after.packageTokens)}`
      : `${project}'s context package grew from ${formatTokens(before.packageTokens)} to ${formatTokens(after.packageTokens)} tokens`;
    const figure = packageFigure(since);
    return [
      {
        kind: "package-grew",
        project,
        text: `${what} on ${after.day}; the project's cost per call ${change >= 0 ? "rose" : "fell"} ${percent(Math.abs(change))} since, and the ${since.length} runs since carried the package on ${formatInteger(figure.calls)} calls (${formatUsd(figure.usd)}).`,
        ...figure,
      },
    ];
  }
  return [];
}

function instructionReread(project: string, runs: readonly PackageRun[]): Recommendation[] {
  const byPath = new Map<
    string,
    { runs: PackageRun[]; reads: number; afterCompaction: number; tokens: number; usd: number; calls: number }
  >();
  for (const run of runs) {
    for (const file of run.instructionFiles) {
      const entry = byPath.get(file.path) ?? { runs: [], reads: 0, afterCompaction: 0, tokens: 0, usd: 0, calls: 0 };
      entry.runs.push(run);
      entry.reads += file.reads;
      entry.afterCompaction += file.readsAfterCompaction;
      entry.tokens = Math.max(entry.tokens, file.tokens);
      entry.usd += file.carriedUsd;
      entry.calls += file.carriedCalls;
      byPath.set(file.path, entry);
    }
  }
  return [...byPath]
    .filter(([, entry]) => entry.usd > 0)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([path, entry]) => ({
      kind: "instruction-reread" as const,
      project,
      text:
        `${path} (${formatTokens(entry.tokens)} tokens) was read by a tool in ${entry.runs.length} of ${runs.length} runs of ${project}` +
        (entry.afterCompaction > 0
          ? `, ${entry.afterCompaction === 1 ? "once" : `${entry.afterCompaction} times`} again after a compaction`
          : "") +
        `; its copies were carried on ${formatInteger(entry.calls)} later calls (at least ${formatUsd(entry.usd)} at cache-read prices).`,
      usd: entry.usd,
      calls: entry.calls,
      runIds: entry.runs.map((run) => run.runId),
    }));
}

export function recommend(
  runs: readonly PackageRun[],
  projects: readonly ProjectPackage[],
  teamMedianPackageTokens: number,
): Recommendation[] {
  const runsOf = new Map<string, PackageRun[]>();
  for (const run of runs) {
    const list = runsOf.get(run.project) ?? [];
    list.push(run);
    runsOf.set(run.project, list);
  }
  const recommendations: Recommendation[] = [];
  for (const project of projects) {
    const projectRuns = runsOf.get(project.key) ?? [];
    recommendations.push(
      ...mcpRarelyUsed(project.key, projectRuns),
      ...packageGrew(project.key, projectRuns),
      ...instructionReread(project.key, projectRuns),
    );
    if (project.farAboveTeamMedian) {
      const figure = packageFigure(projectRuns);
      recommendations.push({
        kind: "far-above-median",
        project: project.key,
        text: `${project.key}'s context package (median ${formatTokens(project.medianPackageTokens)} tokens) is ${project.timesTeamMedian.toFixed(1)}x the team's median (${formatTokens(teamMedianPackageTokens)}); it was carried on ${formatInteger(figure.calls)} calls (${formatUsd(figure.usd)}).`,
        ...figure,
      });
    }
  }
  return recommendations.sort((a, b) => b.usd - a.usd);
}
