/**
 * What the benchmarks share: running a command to the end with its wall time and peak memory, a
 * median over runs, and the ccusage peer installed outside package.json.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";

export const REPO = path.resolve(import.meta.dirname, "..");
export const CORPUS = path.join(import.meta.dirname, ".corpus");
export const CCUSAGE_VERSION = "20.0.24";
// Outside package.json on purpose: only 20.0.24 brings its native Linux build (20.0.26 does not).
const CCUSAGE_PREFIX = path.join(REPO, "node_modules", ".cache", "trh-bench");
export const CCUSAGE_BIN = path.join(CCUSAGE_PREFIX, "node_modules", "ccusage", "src", "cli.js");
const TIME_BIN = "/usr/bin/time";

export interface Measurement {
  wallSeconds: number;
  peakRssMb: number;
  /** User + system CPU seconds (GNU time; null without it): what a loaded machine disturbs less than the wall. */
  cpuSeconds?: number | null;
  stdout: string;
}

/** Runs a command to the end, timing it and taking its peak RSS (GNU time, else /proc polling). */
export async function measure(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<Measurement> {
  const useTime = existsSync(TIME_BIN);
  const rssFile = path.join(CORPUS, `.rss-${process.pid}`);
  const [file, argv] = useTime ? [TIME_BIN, ["-f", "%M %U %S", "-o", rssFile, command, ...args]] : [command, args];
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
  let cpuSeconds: number | null = null;
  if (useTime) {
    const [rss, user, system] = readFileSync(rssFile, "utf8").trim().split("\n").pop()!.split(" ").map(Number);
    peakKb = rss!;
    cpuSeconds = user! + system!;
    rmSync(rssFile, { force: true });
  }
  return { wallSeconds, peakRssMb: peakKb / 1024, cpuSeconds, stdout: Buffer.concat(chunks).toString("utf8") };
}

export function ensureCcusage(): void {
  const manifest = path.join(CCUSAGE_PREFIX, "node_modules", "ccusage", "package.json");
  if (
    existsSync(manifest) &&
    (JSON.parse(readFileSync(manifest, "utf8")) as { version: string }).version === CCUSAGE_VERSION
  )
    return;
  mkdirSync(CCUSAGE_PREFIX, { recursive: true });
  process.stderr.write(`installing ccusage@${CCUSAGE_VERSION} into ${CCUSAGE_PREFIX}\n`);
  const result = spawnSync(
    "npm",
    ["install", "--no-audit", "--no-fund", "--no-save", "--prefix", CCUSAGE_PREFIX, `ccusage@${CCUSAGE_VERSION}`],
    { stdio: "inherit" },
  );
  if (result.status !== 0) throw new Error("could not install ccusage");
}

export const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export async function series(runs: number, command: string, args: string[], env?: NodeJS.ProcessEnv) {
  const results: Measurement[] = [];
  for (let run = 0; run < runs; run++) results.push(await measure(command, args, env));
  return {
    wallSeconds: median(results.map((r) => r.wallSeconds)),
    peakRssMb: Math.max(...results.map((r) => r.peakRssMb)),
    stdout: results[0]!.stdout,
  };
}
