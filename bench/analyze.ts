/**
 * `npm run bench:analyze`: `trh analyze --json` and ccusage 20.0.24 side by side on a generated
 * corpus (bench/corpus.ts): wall time, peak memory, and whether the Claude Code token totals agree.
 * Not a test: figures depend on the machine; bench/README.md keeps the measured ones.
 *
 * usage: tsx bench/analyze.ts [--megabytes N] [--runs N] [--regenerate]
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { generateCorpus } from "./corpus";

const REPO = path.resolve(import.meta.dirname, "..");
const CORPUS = path.join(import.meta.dirname, ".corpus");
const CCUSAGE_VERSION = "20.0.24";
// Outside package.json on purpose: only 20.0.24 brings its native Linux build (STACK.md).
const CCUSAGE_PREFIX = path.join(REPO, "node_modules", ".cache", "trh-bench");
const CCUSAGE_BIN = path.join(CCUSAGE_PREFIX, "node_modules", "ccusage", "src", "cli.js");
const TIME_BIN = "/usr/bin/time";

interface Measurement {
  wallSeconds: number;
  peakRssMb: number;
  stdout: string;
}

/** Runs a command to the end, timing it and taking its peak RSS (GNU time, else /proc polling). */
async function measure(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Measurement> {
  const useTime = existsSync(TIME_BIN);
  const rssFile = path.join(CORPUS, `.rss-${process.pid}`);
  const [file, argv] = useTime ? [TIME_BIN, ["-f", "%M", "-o", rssFile, command, ...args]] : [command, args];
  const started = performance.now();
  const child = spawn(file, argv, { env, stdio: ["ignore", "pipe", "inherit"] });
  const chunks: Buffer[] = [];
  child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
  let polledPeakKb = 0;
  const poll = useTime
    ? null
    : setInterval(() => {
        try {
          const match = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"));
          if (match) polledPeakKb = Math.max(polledPeakKb, Number(match[1]));
        } catch {
          // The process has ended.
        }
      }, 5);
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  const wallSeconds = (performance.now() - started) / 1000;
  if (poll !== null) clearInterval(poll);
  if (code !== 0) throw new Error(`${command} ${args.join(" ")} exited with ${code}`);
  let peakKb = polledPeakKb;
  if (useTime) {
    peakKb = Number(readFileSync(rssFile, "utf8").trim().split("\n").pop());
    rmSync(rssFile, { force: true });
  }
  return { wallSeconds, peakRssMb: peakKb / 1024, stdout: Buffer.concat(chunks).toString("utf8") };
}

function ensureCcusage(): void {
  const manifest = path.join(CCUSAGE_PREFIX, "node_modules", "ccusage", "package.json");
  if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, "utf8")) as { version: string }).version === CCUSAGE_VERSION) return;
  mkdirSync(CCUSAGE_PREFIX, { recursive: true });
  process.stderr.write(`installing ccusage@${CCUSAGE_VERSION} into ${CCUSAGE_PREFIX}\n`);
  const result = spawnSync("npm", ["install", "--no-audit", "--no-fund", "--no-save", "--prefix", CCUSAGE_PREFIX, `ccusage@${CCUSAGE_VERSION}`], { stdio: "inherit" });
  if (result.status !== 0) throw new Error("could not install ccusage");
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function series(runs: number, command: string, args: string[], env?: NodeJS.ProcessEnv) {
  const results: Measurement[] = [];
  for (let run = 0; run < runs; run++) results.push(await measure(command, args, env));
  return { wallSeconds: median(results.map((r) => r.wallSeconds)), peakRssMb: Math.max(...results.map((r) => r.peakRssMb)), stdout: results[0]!.stdout };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { megabytes: { type: "string", default: "120" }, runs: { type: "string", default: "5" }, regenerate: { type: "boolean", default: false } } });
  const runs = Number(values.runs);
  const claudeRoot = path.join(CORPUS, "claude");
  if (values.regenerate || !existsSync(path.join(claudeRoot, "projects"))) {
    const { claudeBytes, codexBytes } = generateCorpus(CORPUS, Number(values.megabytes));
    process.stderr.write(`generated corpus: Claude Code ${(claudeBytes / 1e6).toFixed(1)} MB, Codex ${(codexBytes / 1e6).toFixed(1)} MB\n`);
  }
  ensureCcusage();
  const corpusStats = spawnSync("sh", ["-c", `find "${claudeRoot}" -name '*.jsonl' | xargs cat | wc -lc`], { encoding: "utf8" }).stdout.trim().split(/\s+/);
  const trh = [path.join(REPO, "bin", "trh.mjs"), "analyze", "--json"];

  // One warm-up each: the first trh run builds its cached engine bundle, and both fill the page cache.
  await measure(process.execPath, [...trh, path.join(claudeRoot, "projects")]);
  await measure(process.execPath, [CCUSAGE_BIN, "daily", "--offline", "--json", "-z", "UTC"], { ...process.env, CLAUDE_CONFIG_DIR: claudeRoot });

  const trhClaude = await series(runs, process.execPath, [...trh, path.join(claudeRoot, "projects")]);
  const ccusage = await series(runs, process.execPath, [CCUSAGE_BIN, "daily", "--offline", "--json", "-z", "UTC"], { ...process.env, CLAUDE_CONFIG_DIR: claudeRoot });
  const trhAll = await series(runs, process.execPath, [...trh, CORPUS]);

  type Totals = Record<string, number>;
  const ours = (JSON.parse(trhClaude.stdout) as { totals: Totals }).totals;
  const theirs = (JSON.parse(ccusage.stdout) as { totals: Totals }).totals;
  const pairs: Array<[string, number, number]> = [
    ["input", ours.inputTokens!, theirs.inputTokens!],
    ["output", ours.outputTokens!, theirs.outputTokens!],
    ["cache write", ours.cacheWriteTokens!, theirs.cacheCreationTokens!],
    ["cache read", ours.cacheReadTokens!, theirs.cacheReadTokens!],
  ];
  const agree = pairs.every(([, a, b]) => a === b);

  const row = (name: string, m: { wallSeconds: number; peakRssMb: number }) =>
    `${name.padEnd(44)} ${m.wallSeconds.toFixed(2).padStart(7)} s ${m.peakRssMb.toFixed(0).padStart(6)} MB`;
  const lines = [
    `corpus: ${CORPUS} (Claude Code part: ${(Number(corpusStats[1]) / 1e6).toFixed(1)} MB, ${Number(corpusStats[0]).toLocaleString("en-US")} lines); median of ${runs} runs, peak RSS max`,
    row("trh analyze --json (Claude Code part)", trhClaude),
    row(`ccusage ${CCUSAGE_VERSION} daily --offline --json (same files)`, ccusage),
    row("trh analyze --json (whole corpus, + Codex)", trhAll),
    `token totals agree with ccusage: ${agree ? "yes" : "NO"}`,
    ...pairs.map(([name, a, b]) => `  ${name.padEnd(12)} trh ${a.toLocaleString("en-US").padStart(16)}   ccusage ${b.toLocaleString("en-US").padStart(16)}${a === b ? "" : "   <- differs"}`),
    `cost (not compared: trh prices long-context requests whole-request, FORMATS.md): trh $${ours.costUsd!.toFixed(2)}, ccusage $${theirs.totalCost!.toFixed(2)}`,
  ];
  process.stdout.write(lines.join("\n") + "\n");
}

await main();
