/**
 * The context package of a date range, read from RunContextPackage joined to its runs (never Call):
 * per run, per project (with the team's median and the projects far above it), per week, and the
 * recommendations. `GET /api/v1/context-package` and the Context page. A run belongs to the range by
 * its start day (UTC), as for findings.
 */
import { z } from "zod";
import { assertMayBreakDown } from "@/lib/auth/policy";
import type { Scope } from "@/lib/auth/scope";
import { mondayOf } from "@/lib/days";
import { readDb } from "@/lib/db/client";
import { table } from "@/lib/db/tables";
import { dateRangeSchema } from "@/lib/queries/params";
import { unallocatedKey } from "@/lib/queries/spend-by-group";
import { picoUsdToNumber, sumPicoUsd, toPicoUsd } from "./exact-usd";
import { mcpServerOf } from "./instruction-files";
import type { InstructionFileUse } from "./measure";
import { type Recommendation, recommend } from "./recommendations";

const c = table("RunContextPackage", "c");
const p = table("Project", "p");
const r = table("Run", "r");

export const contextPackageGroups = ["project", "run"] as const;
export const contextPackageQuerySchema = z
  .object({ groupBy: z.enum(contextPackageGroups).default("project") })
  .and(dateRangeSchema);
export type ContextPackageQuery = z.output<typeof contextPackageQuerySchema>;

/** A project whose median package is at least this many times the team's median is flagged. */
export const FAR_ABOVE_MEDIAN = 1.5;

export interface PackageRun {
  runId: string;
  project: string;
  startedAt: Date;
  day: string;
  packageTokens: number;
  callsCarried: number;
  /** Exact, in 1e-12 USD. */
  packagePicoUsd: bigint;
  spendUsd: number;
  /** Every call of the run (subagents included): the denominator of cost per call. */
  runCalls: number;
  tools: { name: string; uses: number }[];
  instructionFiles: InstructionFileUse[];
}

export interface ProjectPackage {
  key: string;
  runs: number;
  callsCarried: number;
  packageCostUsd: number;
  spendUsd: number;
  /** packageCostUsd / spendUsd of its runs (0 without spend). */
  shareOfSpend: number;
  medianPackageTokens: number;
  latestPackageTokens: number;
  /** medianPackageTokens / the team's median (the median of the projects' medians). */
  timesTeamMedian: number;
  farAboveTeamMedian: boolean;
  mcpServers: { server: string; runsUsing: number; uses: number }[];
  tools: { name: string; runsUsing: number; uses: number }[];
  instructionFiles: {
    path: string;
    tokens: number;
    runsReading: number;
    reads: number;
    readsAfterCompaction: number;
  }[];
  sizeOverTime: { runId: string; startedAt: string; packageTokens: number }[];
  weekly: { week: string; packageCostUsd: number; callsCarried: number; spendUsd: number }[];
}

export interface RunRow {
  key: string;
  project: string;
  startedAt: string;
  packageTokens: number;
  callsCarried: number;
  packageCostUsd: number;
  spendUsd: number;
  mcpServers: string[];
  tools: { name: string; uses: number }[];
  instructionFiles: InstructionFileUse[];
}

export interface ContextPackageResult {
  rows: ProjectPackage[] | RunRow[];
  totals: {
    runs: number;
    callsCarried: number;
    packageCostUsd: number;
    spendUsd: number;
    shareOfSpend: number;
    teamMedianPackageTokens: number;
  };
  recommendations: Recommendation[];
}

export async function loadPackageRuns(scope: Scope, from: string, to: string): Promise<PackageRun[]> {
  const rows = await readDb().$queryRaw<
    {
      runId: string;
      project: string;
      startedAt: Date;
      day: string;
      packageTokens: number;
      callsCarried: number;
      packageCostUsd: string;
      spendUsd: number;
      runCalls: number;
      tools: PackageRun["tools"];
      instructionFiles: InstructionFileUse[];
    }[]
  >`
    SELECT ${c.runId}::text AS "runId", coalesce(${p.name}, ${r.repository}, ${r.cwd}, ${unallocatedKey}) AS project, ${r.startedAt}, to_char(${c.day}, 'YYYY-MM-DD') AS day,
      ${c.packageTokens}, ${c.callsCarried}, ${c.packageCostUsd}::text AS "packageCostUsd", ${r.costUsd}::float8 AS "spendUsd", ${r.calls} AS "runCalls",
      ${c.tools}, ${c.instructionFiles}
    FROM ${c.$}
    JOIN ${r.$} ON ${r.teamId} = ${c.teamId} AND ${r.id} = ${c.runId}
    LEFT JOIN ${p.$} ON ${p.teamId} = ${r.teamId} AND ${p.id} = ${r.projectId}
    WHERE ${c.teamId} = ${scope.teamId}::uuid AND ${c.day} BETWEEN ${from}::date AND ${to}::date AND ${c.firstCallId} IS NOT NULL
    ORDER BY ${r.startedAt}, ${c.runId}`;
  return rows.map(({ packageCostUsd, ...row }) => ({ ...row, packagePicoUsd: toPicoUsd(packageCostUsd) }));
}

const median = (values: readonly number[]): number => {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

export function summarizeProjects(runs: readonly PackageRun[]): {
  projects: ProjectPackage[];
  teamMedianPackageTokens: number;
} {
  const byProject = new Map<string, PackageRun[]>();
  for (const run of runs) {
    const list = byProject.get(run.project) ?? [];
    list.push(run);
    byProject.set(run.project, list);
  }
  const medians = new Map([...byProject].map(([key, list]) => [key, median(list.map((run) => run.packageTokens))]));
  const teamMedianPackageTokens = median([...medians.values()]);
  const projects = [...byProject].map(([key, list]): ProjectPackage => {
    const packageCostUsd = picoUsdToNumber(sumPicoUsd(list.map((run) => run.packagePicoUsd)));
    const spendUsd = list.reduce((sum, run) => sum + run.spendUsd, 0);
    const timesTeamMedian = teamMedianPackageTokens > 0 ? medians.get(key)! / teamMedianPackageTokens : 0;
    const tools = new Map<string, { runsUsing: number; uses: number }>();
    const files = new Map<
      string,
      { tokens: number; runsReading: number; reads: number; readsAfterCompaction: number }
    >();
    for (const run of list) {
      for (const tool of run.tools) {
        const entry = tools.get(tool.name) ?? { runsUsing: 0, uses: 0 };
        tools.set(tool.name, { runsUsing: entry.runsUsing + 1, uses: entry.uses + tool.uses });
      }
      for (const file of run.instructionFiles) {
        const entry = files.get(file.path) ?? { tokens: 0, runsReading: 0, reads: 0, readsAfterCompaction: 0 };
        files.set(file.path, {
          tokens: file.tokens,
          runsReading: entry.runsReading + 1,
          reads: entry.reads + file.reads,
          readsAfterCompaction: entry.readsAfterCompaction + file.readsAfterCompaction,
        });
      }
    }
    const servers = new Map<string, { runs: Set<string>; uses: number }>();
    for (const run of list) {
      for (const tool of run.tools) {
        const server = mcpServerOf(tool.name);
        if (server === null) continue;
        const entry = servers.get(server) ?? { runs: new Set<string>(), uses: 0 };
        entry.runs.add(run.runId);
        entry.uses += tool.uses;
        servers.set(server, entry);
      }
    }
    const weeks = new Map<string, { pico: bigint; callsCarried: number; spendUsd: number }>();
    for (const run of list) {
      const week = mondayOf(run.day);
      const entry = weeks.get(week) ?? { pico: 0n, callsCarried: 0, spendUsd: 0 };
      weeks.set(week, {
        pico: entry.pico + run.packagePicoUsd,
        callsCarried: entry.callsCarried + run.callsCarried,
        spendUsd: entry.spendUsd + run.spendUsd,
      });
    }
    return {
      key,
      runs: list.length,
      callsCarried: list.reduce((sum, run) => sum + run.callsCarried, 0),
      packageCostUsd,
      spendUsd,
      shareOfSpend: spendUsd > 0 ? packageCostUsd / spendUsd : 0,
      medianPackageTokens: medians.get(key)!,
      latestPackageTokens: list[list.length - 1]!.packageTokens,
      timesTeamMedian,
      farAboveTeamMedian: byProject.size > 1 && timesTeamMedian >= FAR_ABOVE_MEDIAN,
      mcpServers: [...servers]
        .map(([server, entry]) => ({ server, runsUsing: entry.runs.size, uses: entry.uses }))
        .sort((a, b) => b.uses - a.uses || (a.server < b.server ? -1 : 1)),
      tools: [...tools]
        .map(([name, entry]) => ({ name, ...entry }))
        .sort((a, b) => b.uses - a.uses || (a.name < b.name ? -1 : 1)),
      instructionFiles: [...files]
        .map(([path, entry]) => ({ path, ...entry }))
        .sort((a, b) => b.tokens - a.tokens || (a.path < b.path ? -1 : 1)),
      sizeOverTime: list.map((run) => ({
        runId: run.runId,
        startedAt: run.startedAt.toISOString(),
        packageTokens: run.packageTokens,
      })),
      weekly: [...weeks]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([week, entry]) => ({
          week,
          packageCostUsd: picoUsdToNumber(entry.pico),
          callsCarried: entry.callsCarried,
          spendUsd: entry.spendUsd,
        })),
    };
  });
  projects.sort((a, b) => b.packageCostUsd - a.packageCostUsd || (a.key < b.key ? -1 : 1));
  return { projects, teamMedianPackageTokens };
}

export async function contextPackageReport(scope: Scope, query: ContextPackageQuery): Promise<ContextPackageResult> {
  assertMayBreakDown(scope, query, "the context package by run needs");
  const runs = await loadPackageRuns(scope, query.from, query.to);
  const { projects, teamMedianPackageTokens } = summarizeProjects(runs);
  const packagePico = sumPicoUsd(runs.map((run) => run.packagePicoUsd));
  const spendUsd = runs.reduce((sum, run) => sum + run.spendUsd, 0);
  const totals = {
    runs: runs.length,
    callsCarried: runs.reduce((sum, run) => sum + run.callsCarried, 0),
    packageCostUsd: picoUsdToNumber(packagePico),
    spendUsd,
    shareOfSpend: spendUsd > 0 ? picoUsdToNumber(packagePico) / spendUsd : 0,
    teamMedianPackageTokens,
  };
  const recommendations = recommend(runs, projects, teamMedianPackageTokens);
  if (query.groupBy === "project") return { rows: projects, totals, recommendations };
  const rows: RunRow[] = runs.map((run) => ({
    key: run.runId,
    project: run.project,
    startedAt: run.startedAt.toISOString(),
    packageTokens: run.packageTokens,
    callsCarried: run.callsCarried,
    packageCostUsd: picoUsdToNumber(run.packagePicoUsd),
    spendUsd: run.spendUsd,
    mcpServers: [...new Set(run.tools.flatMap((tool) => mcpServerOf(tool.name) ?? []))].sort(),
    tools: run.tools,
    instructionFiles: run.instructionFiles,
  }));
  return { rows, totals, recommendations };
}
