/**
 * `npm run bench:analyze`: `trh analyze --json` and ccusage 20.0.24 side by side on a generated
 * corpus (bench/corpus.ts): wall time, peak memory, and whether the Claude Code token totals agree.
 * Not a test: figures depend on the machine; bench/README.md keeps the measured ones.
 *
 * usage: tsx bench/analyze.ts [--megabytes N] [--runs N] [--regenerate]
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { generateCorpus } from "./corpus";
import { CCUSAGE_BIN, CCUSAGE_VERSION, CORPUS, ensureCcusage, measure, REPO, series } from "./measure";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      megabytes: { type: "string", default: "120" },
      runs: { type: "string", default: "5" },
      regenerate: { type: "boolean", default: false },
    },
  });
  const runs = Number(values.runs);
  const claudeRoot = path.join(CORPUS, "claude");
  if (values.regenerate || !existsSync(path.join(claudeRoot, "projects"))) {
    const { claudeBytes, codexBytes } = generateCorpus(CORPUS, Number(values.megabytes));
    process.stderr.write(
      `generated corpus: Claude Code ${(claudeBytes / 1e6).toFixed(1)} MB, Codex ${(codexBytes / 1e6).toFixed(1)} MB\n`,
    );
  }
  ensureCcusage();
  const corpusStats = spawnSync("sh", ["-c", `find "${claudeRoot}" -name '*.jsonl' | xargs cat | wc -lc`], {
    encoding: "utf8",
  })
    .stdout.trim()
    .split(/\s+/);
  const trh = [path.join(REPO, "bin", "trh.mjs"), "analyze", "--json"];

  // One warm-up each: the first trh run builds its cached engine bundle, and both fill the page cache.
  await measure(process.execPath, [...trh, path.join(claudeRoot, "projects")]);
  await measure(process.execPath, [CCUSAGE_BIN, "daily", "--offline", "--json", "-z", "UTC"], {
    ...process.env,
    CLAUDE_CONFIG_DIR: claudeRoot,
  });

  const trhClaude = await series(runs, process.execPath, [...trh, path.join(claudeRoot, "projects")]);
  const ccusage = await series(runs, process.execPath, [CCUSAGE_BIN, "daily", "--offline", "--json", "-z", "UTC"], {
    ...process.env,
    CLAUDE_CONFIG_DIR: claudeRoot,
  });
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
    ...pairs.map(
      ([name, a, b]) =>
        `  ${name.padEnd(12)} trh ${a.toLocaleString("en-US").padStart(16)}   ccusage ${b.toLocaleString("en-US").padStart(16)}${a === b ? "" : "   <- differs"}`,
    ),
    `cost (not compared: trh prices long-context requests whole-request, docs/FORMATS.md): trh $${ours.costUsd!.toFixed(2)}, ccusage $${theirs.totalCost!.toFixed(2)}`,
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}

await main();
