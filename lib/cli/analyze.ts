/**
 * `trh analyze [PATH...] [--json] [--since YYYY-MM-DD] [--until YYYY-MM-DD] [--by day|model|session|project]`
 * (docs/CONTRACT.md): totals of Claude Code and Codex traces on this machine, no database.
 */
import { parseArgs } from "node:util";
import type { ReadingWorker } from "../analyze/analyze-files";
import { type AnalyzeEngine, loadAnalyzeEngine } from "../analyze/load-engine";
import type { AnalyzeReport } from "../analyze/report";
import { dayProblem } from "../days";
import { formatInteger, formatUsd } from "../format";
import type { Tokens } from "../tokens";
import { CommandError, UsageError } from "./errors";
import { ProgressLine } from "./progress-line";

const GROUPINGS = ["day", "model", "session", "project"] as const;
type Grouping = (typeof GROUPINGS)[number];

function parseDay(flag: string, value: string | undefined): string | null {
  if (value === undefined) return null;
  const problem = dayProblem(value);
  if (problem)
    throw new UsageError(
      `--${flag} wants ${problem.startsWith("a date") ? problem : `a real date (${problem})`}, got "${value}"`,
    );
  return value;
}

function readArguments(args: string[]): {
  paths: string[];
  json: boolean;
  since: string | null;
  until: string | null;
  by: Grouping;
  threads: number | null;
} {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        json: { type: "boolean", default: false },
        since: { type: "string" },
        until: { type: "string" },
        by: { type: "string", default: "day" },
        threads: { type: "string" },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  const by = values.by ?? "day";
  if (!(GROUPINGS as readonly string[]).includes(by))
    throw new UsageError(`--by wants one of ${GROUPINGS.join("|")}, got "${by}"`);
  const since = parseDay("since", values.since);
  const until = parseDay("until", values.until);
  if (since !== null && until !== null && since > until)
    throw new UsageError(`--since ${since} is after --until ${until}`);
  const threads = values.threads === undefined ? null : Number(values.threads);
  if (threads !== null && !(Number.isInteger(threads) && threads >= 0 && threads <= 16))
    throw new UsageError(`--threads wants a whole number from 0 to 16, got "${values.threads}"`);
  return { paths: positionals, json: values.json ?? false, since, until, by: by as Grouping, threads };
}

function renderTable(report: AnalyzeReport, by: Grouping): string {
  const heading = { day: "Date", model: "Model", session: "Session", project: "Project" }[by];
  const rows: Array<{ label: string; totals: Tokens }> =
    by === "day"
      ? report.days.map((row) => ({ label: row.date, totals: row }))
      : by === "model"
        ? report.models.map((row) => ({ label: row.model, totals: row }))
        : by === "session"
          ? report.sessions.map((row) => ({
              label: `${row.sessionId}${row.project === null ? "" : ` (${row.project})`}`,
              totals: row,
            }))
          : report.projects.map((row) => ({ label: row.project ?? "(unknown)", totals: row }));
  const cells = (label: string, t: Tokens): string[] => [
    label,
    formatInteger(t.calls),
    formatInteger(t.inputTokens),
    formatInteger(t.outputTokens),
    formatInteger(t.cacheWriteTokens),
    formatInteger(t.cacheReadTokens),
    formatUsd(t.costUsd),
  ];
  const lines = [
    [heading, "Calls", "Input", "Output", "Cache write", "Cache read", "Cost"],
    ...rows.map((row) => cells(row.label, row.totals)),
    cells("TOTAL", report.totals),
  ];
  const widths = lines[0]!.map((_, column) => Math.max(...lines.map((line) => line[column]!.length)));
  const format = (line: string[]): string =>
    line
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
      .join("  ");
  const rule = widths.map((width) => "-".repeat(width)).join("  ");
  return [format(lines[0]!), rule, ...lines.slice(1, -1).map(format), rule, format(lines[lines.length - 1]!)].join(
    "\n",
  );
}

/** The report of the traces under the given paths (the default folders when none), unreadable files among its errors. */
async function analyzePaths(
  engine: AnalyzeEngine,
  options: ReturnType<typeof readArguments>,
  workers: readonly ReadingWorker[],
): Promise<{ report: AnalyzeReport; fileCount: number }> {
  const { files, unreadable, missing } = await engine.listTraceFiles(options.paths);
  if (missing.length > 0) throw new CommandError(`no such file or directory: ${missing.join(", ")}`);

  const progress = new ProgressLine(files.reduce((sum, file) => sum + file.size, 0));
  let report: AnalyzeReport;
  try {
    report = await engine.analyzeFiles(files, {
      range: { since: options.since, until: options.until },
      onProgress: (doneBytes) => progress.update(doneBytes),
      threads: options.threads ?? engine.defaultThreadCount(files),
      workers,
    });
  } finally {
    progress.done();
  }
  for (const file of unreadable) report.errors.push({ file: file.file, line: 0, message: file.message });
  return { report, fileCount: files.length };
}

export async function analyzeCommand(args: string[]): Promise<number> {
  const options = readArguments(args);
  const engine = loadAnalyzeEngine();
  // Workers start up while this thread looks for the files; those the files turn out not to need
  // (defaultThreadCount) are stopped unused.
  const workers = engine.startWorkers(options.threads ?? engine.maxWorkerCount(), engine.workerUrl);
  let analyzed: { report: AnalyzeReport; fileCount: number };
  try {
    analyzed = await analyzePaths(engine, options, workers);
  } finally {
    for (const worker of workers) void worker.stop();
  }
  const { report, fileCount } = analyzed;

  if (options.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    if (fileCount === 0) process.stderr.write("trh analyze: no Claude Code or Codex traces found\n");
    process.stdout.write(`${renderTable(report, options.by)}\n`);
  }
  if (report.unpricedModels.length > 0) {
    process.stderr.write(
      `trh analyze: warning: no price known for ${report.unpricedModels.join(", ")}; their calls are counted at $0\n`,
    );
  }
  if (report.errors.length > 0) {
    const first = report.errors[0]!;
    process.stderr.write(
      `trh analyze: warning: skipped ${report.errors.length} unreadable line(s) or file(s), first: ${first.file}:${first.line}: ${first.message}\n`,
    );
  }
  return 0;
}
