/**
 * `npm run bench:import`: the bench:analyze corpus (bench/corpus.ts) into a fresh database on the
 * local Postgres server through `trh import`, side by side with ccusage 20's analyze of the same
 * Claude Code files and with a raw COPY of as many narrow rows as the import wrote (the ceiling
 * for bulk writes on this machine). Also times the second import of the same data (all duplicates).
 *
 * usage: tsx bench/import.ts [--runs N] [--server postgres://postgres@127.0.0.1:5432/postgres]
 */
import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { generateCorpus } from "./corpus";
import { CCUSAGE_BIN, CCUSAGE_VERSION, CORPUS, ensureCcusage, measure, median, REPO, type Measurement } from "./measure";

const { values } = parseArgs({ options: { runs: { type: "string", default: "3" }, server: { type: "string", default: "postgres://postgres@127.0.0.1:5432/postgres" } } });
const runs = Number(values.runs);
const database = "trh_bench_import";
const databaseUrl = Object.assign(new URL(values.server!), { pathname: `/${database}` }).toString();

async function onServer(sql: string, url = values.server!): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

const trh = (...args: string[]) => [path.join(REPO, "bin", "trh.mjs"), ...args];
const env = { ...process.env, DATABASE_URL: databaseUrl };

async function freshDatabase(): Promise<void> {
  await onServer(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await onServer(`CREATE DATABASE ${database}`);
  const created = spawnSync(process.execPath, trh("admin", "create-user", "--email", "bench@example.com", "--password", "bench-password", "--team", "bench", "--role", "admin"), { env, encoding: "utf8" });
  if (created.status !== 0) throw new Error(created.stderr);
}

if (!existsSync(path.join(CORPUS, "claude", "projects"))) generateCorpus(CORPUS, 120);
ensureCcusage();
const claudeRoot = path.join(CORPUS, "claude");

const firstImports: Measurement[] = [];
const reimports: Measurement[] = [];
for (let run = 0; run < runs; run++) {
  await freshDatabase();
  firstImports.push(await measure(process.execPath, trh("import", CORPUS, "--team", "bench", "--json"), env));
  reimports.push(await measure(process.execPath, trh("import", CORPUS, "--team", "bench", "--json"), env));
}
const ccusage: Measurement[] = [];
for (let run = 0; run < runs; run++) {
  ccusage.push(await measure(process.execPath, [CCUSAGE_BIN, "daily", "--offline", "--json", "-z", "UTC"], { ...process.env, CLAUDE_CONFIG_DIR: claudeRoot }));
}

const imported = JSON.parse(firstImports[0]!.stdout) as { runs: number; calls: number };
const counts = (await onServer(
  `SELECT (SELECT count(*) FROM "Call") + (SELECT count(*) FROM "ToolCall") + (SELECT count(*) FROM "Run") + (SELECT count(*) FROM "RunDaySpend") AS rows`,
  databaseUrl,
)).rows[0] as { rows: string };
const rows = Number(counts.rows);

// The ceiling: COPY of the same number of narrow rows (an id, a timestamp, a model, four counts).
const csv = path.join(CORPUS, "copy-rows.csv");
const line = (i: number) => `${i},2026-02-01T10:00:00Z,claude-sonnet-4-5,${i % 97},${i % 13},${i % 1000},${i % 7}\n`;
writeFileSync(csv, Array.from({ length: rows }, (_, i) => line(i)).join(""));
await onServer(`DROP TABLE IF EXISTS copy_ceiling; CREATE TABLE copy_ceiling (id bigint, at timestamptz, model text, a int, b int, c int, d int)`, databaseUrl);
const copies: Measurement[] = [];
for (let run = 0; run < runs; run++) {
  await onServer("TRUNCATE copy_ceiling", databaseUrl);
  copies.push(await measure("psql", [databaseUrl, "-q", "-c", `\\copy copy_ceiling FROM '${csv}' CSV`]));
}
await onServer(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);

const summary = (series: Measurement[]) => ({ wallSeconds: median(series.map((m) => m.wallSeconds)), peakRssMb: Math.max(...series.map((m) => m.peakRssMb)) });
const row = (name: string, series: Measurement[]) => {
  const { wallSeconds, peakRssMb } = summary(series);
  return `${name.padEnd(58)} ${wallSeconds.toFixed(2).padStart(7)} s ${peakRssMb.toFixed(0).padStart(6)} MB`;
};
const importSeconds = summary(firstImports).wallSeconds;
const ccusageSeconds = summary(ccusage).wallSeconds;
process.stdout.write(
  [
    `corpus: ${CORPUS}; ${imported.calls.toLocaleString("en-US")} calls in ${imported.runs} runs; ${rows.toLocaleString("en-US")} rows written; median of ${runs}, peak RSS max`,
    row("trh import (fresh database)", firstImports),
    row("trh import again (everything a duplicate)", reimports),
    row(`ccusage ${CCUSAGE_VERSION} daily --offline --json (Claude Code part)`, ccusage),
    row(`psql \\copy of ${rows.toLocaleString("en-US")} narrow rows (ceiling)`, copies),
    `import / ccusage analyze: ${(importSeconds / ccusageSeconds).toFixed(1)}x (goal: at most 2x); peak memory goal: under 250 MB`,
  ].join("\n") + "\n",
);
