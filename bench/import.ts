/**
 * `npm run bench:import`: the bench:analyze corpus (bench/corpus.ts) into a fresh database on the
 * local Postgres server through `trh import`, side by side with ccusage 20's analyze of the same
 * Claude Code files and with a raw COPY of as many narrow rows as the import wrote (the ceiling
 * for bulk writes on this machine). Also times the second import of the same data (all duplicates).
 *
 * Beside import, on Postgres and on the embedded database: `trh push` of the same folder (many
 * files per request) and the upload as the Ingest page sends it (many files per request), against the
 * ingest routes behind bench/ingest-server.ts, with the server's peak RSS. Best of N runs.
 *
 * With --megabytes N (other than 120) the corpus is bench/.corpus-N, generated the first time: the
 * push's server RSS is sampled every second against the bytes pushed so far, to show whether it
 * levels off or grows with what was pushed (issue #21: a year of ~/.claude is often 1 GB).
 *
 * usage: tsx bench/import.ts [--runs N] [--server postgres://...] [--databases postgres,embedded]
 *        [--megabytes N] [--skip-reimport] [--skip-upload]
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { requestGroups } from "@/components/ingest/upload-transport";
import { findTraceFiles } from "@/lib/analyze/trace-files";
import { fileFrame } from "@/lib/ingest/file-frames";
import { onServer } from "@/lib/testing/postgres-server";
import { generateCorpus } from "./corpus";
import { CCUSAGE_BIN, CCUSAGE_VERSION, CORPUS, ensureCcusage, type Measurement, measure } from "./measure";
import {
  type BenchDatabase,
  benchDatabase,
  cpuSeconds,
  type DatabaseKind,
  rssMb,
  trh,
  withIngestServer,
} from "./server-under-test";

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "3" },
    server: { type: "string", default: "postgres://postgres@127.0.0.1:5432/postgres" },
    databases: { type: "string", default: "postgres,embedded" },
    megabytes: { type: "string", default: "120" },
    "skip-reimport": { type: "boolean", default: false },
    "skip-upload": { type: "boolean", default: false },
  },
});
const runs = Number(values.runs);
/** BENCH_DATABASE: another name, so two checkouts can run the bench at once on one server. */
const database = process.env.BENCH_DATABASE ?? "trh_bench_import";

const megabytes = Number(values.megabytes);
/** bench/.corpus is bench:analyze's 120 MB corpus; another size has a folder of its own beside it. */
const corpus = megabytes === 120 ? CORPUS : `${CORPUS}-${megabytes}`;
if (!existsSync(path.join(corpus, "claude", "projects"))) generateCorpus(corpus, megabytes);
ensureCcusage();
const claudeRoot = path.join(corpus, "claude");
/** What push sends in all: the trace files' bytes. */
const corpusBytes = (await findTraceFiles([corpus])).files.reduce((total, file) => total + file.size, 0);

type Kind = DatabaseKind;
const dataDir = path.join(corpus, ".embedded-data");
const databases: Record<Kind, BenchDatabase> = {
  postgres: benchDatabase("postgres", database, values.server!, dataDir),
  embedded: benchDatabase("embedded", database, values.server!, dataDir),
};
const databaseUrl = databases.postgres.url!;
const envOf = (kind: Kind) => databases[kind].env;
const freshFor = (kind: Kind) => databases[kind].fresh();
const withServer = <T>(kind: Kind, work: (url: string, key: string, pid: number) => Promise<T>) =>
  withIngestServer(databases[kind], 3209, work);

/**
 * What the Ingest page sends (components/ingest/upload-transport.ts): the files split by its
 * requestGroups, each group one request to POST /api/v1/ingest/files with every file framed by
 * its header line, `format: "auto"`.
 */
async function uploadAsIngestPage(url: string, key: string): Promise<void> {
  const { files } = await findTraceFiles([corpus]);
  const groups = requestGroups(files.map((trace) => ({ trace, file: { size: trace.size } })));
  for (const group of groups) {
    const body = Buffer.concat(
      group.map(({ trace }) => fileFrame({ file: trace.fileName, format: "auto" }, readFileSync(trace.absolutePath))),
    );
    const response = await fetch(`${url}/api/v1/ingest/files`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}` },
      body: new Uint8Array(body),
    });
    if (!response.ok) throw new Error(`upload of ${group.length} files: ${response.status} ${await response.text()}`);
    await response.arrayBuffer();
  }
}

/** The server's resident set when push had sent `pushedBytes` of the corpus (its state file's offsets). */
interface RssSample {
  pushedBytes: number;
  rssMb: number;
}

/** Bytes `trh push` has had answered so far: the sum of the offsets in its state file, saved after each request. */
function pushedBytes(pushState: string): number {
  try {
    const state = JSON.parse(readFileSync(pushState, "utf8")) as Record<string, Record<string, { sentBytes: number }>>;
    return Object.values(state)
      .flatMap((files) => Object.values(files))
      .reduce((total, file) => total + file.sentBytes, 0);
  } catch {
    // Not written yet, or caught while push rewrites it: the next sample reads it.
    return -1;
  }
}

/** The server's RSS every second while `work` runs, against the bytes pushed so far. */
async function sampleServerRss<T>(pid: number, pushState: string, work: Promise<T>): Promise<[T, RssSample[]]> {
  const samples: RssSample[] = [];
  let pushed = 0;
  const sample = () => {
    pushed = Math.max(pushed, pushedBytes(pushState));
    samples.push({ pushedBytes: pushed, rssMb: rssMb(pid, "VmRSS") });
  };
  const timer = setInterval(sample, 1000);
  try {
    return [await work, samples];
  } finally {
    clearInterval(timer);
    sample();
  }
}

/** The RSS curve at fractions of the corpus pushed: the first sample at or past each fraction. */
function rssCurve(samples: RssSample[], corpusBytes: number): string {
  return [0.1, 0.25, 0.5, 0.75, 1]
    .map((fraction) => {
      const at = samples.find((s) => s.pushedBytes >= fraction * corpusBytes) ?? samples.at(-1)!;
      return `${(at.pushedBytes / 1e6).toFixed(0)} MB pushed: ${at.rssMb.toFixed(0)} MB`;
    })
    .join(", ");
}

interface PathFigures {
  import: Measurement[];
  reimport: Measurement[];
  push: (Measurement & { serverPeakRssMb: number; serverRss: RssSample[] })[];
  upload: { wallSeconds: number; peakRssMb: number }[];
}
const figures: Record<Kind, PathFigures> = {
  postgres: { import: [], reimport: [], push: [], upload: [] },
  embedded: { import: [], reimport: [], push: [], upload: [] },
};
const kinds = (values.databases ?? "postgres,embedded").split(",") as Kind[];
/** Each figure as it is taken, so a long run shows where it is. */
const note = (what: string, m: { wallSeconds: number; peakRssMb: number; cpuSeconds?: number | null }) =>
  process.stderr.write(
    `${what}: ${m.wallSeconds.toFixed(2)} s${m.cpuSeconds == null ? "" : ` (CPU ${m.cpuSeconds.toFixed(2)} s)`}, ${m.peakRssMb.toFixed(0)} MB (load ${os.loadavg()[0]!.toFixed(1)})\n`,
  );
for (let run = 0; run < runs; run++) {
  for (const kind of kinds) {
    await freshFor(kind);
    figures[kind].import.push(
      await measure(process.execPath, trh("import", corpus, "--team", "bench", "--json"), envOf(kind)),
    );
    note(`[${kind}] import`, figures[kind].import.at(-1)!);
    if (!values["skip-reimport"]) {
      figures[kind].reimport.push(
        await measure(process.execPath, trh("import", corpus, "--team", "bench", "--json"), envOf(kind)),
      );
      note(`[${kind}] import again`, figures[kind].reimport.at(-1)!);
    }
    await freshFor(kind);
    const pushState = path.join(corpus, ".push-state.json");
    rmSync(pushState, { force: true });
    const pushed = await withServer(kind, async (url, key, pid) => {
      const [measured, serverRss] = await sampleServerRss(
        pid,
        pushState,
        measure(process.execPath, trh("push", corpus, "--url", url, "--key", key, "--json"), {
          ...process.env,
          TRH_PUSH_STATE: pushState,
        }),
      );
      // The server's CPU when push has its last answer; its queued findings pass may still be running.
      return { ...measured, serverRss, serverCpuSeconds: cpuSeconds(pid) };
    });
    figures[kind].push.push({ ...pushed.result, serverPeakRssMb: pushed.serverPeakRssMb });
    note(
      `[${kind}] push (server ${pushed.serverPeakRssMb.toFixed(0)} MB, server CPU ${pushed.result.serverCpuSeconds.toFixed(2)} s)`,
      pushed.result,
    );
    process.stderr.write(`[${kind}] push, server RSS at ${rssCurve(pushed.result.serverRss, corpusBytes)}\n`);
    if (!values["skip-upload"]) {
      await freshFor(kind);
      const uploaded = await withServer(kind, async (url, key) => {
        const started = performance.now();
        await uploadAsIngestPage(url, key);
        return (performance.now() - started) / 1000;
      });
      figures[kind].upload.push({ wallSeconds: uploaded.result, peakRssMb: uploaded.serverPeakRssMb });
      note(`[${kind}] upload, server RSS`, figures[kind].upload.at(-1)!);
    }
  }
}
rmSync(dataDir, { recursive: true, force: true });
const firstImports = figures[kinds[0]!].import;
const ccusage: Measurement[] = [];
for (let run = 0; run < runs; run++) {
  ccusage.push(
    await measure(process.execPath, [CCUSAGE_BIN, "daily", "--offline", "--json", "-z", "UTC"], {
      ...process.env,
      CLAUDE_CONFIG_DIR: claudeRoot,
    }),
  );
}

const imported = JSON.parse(firstImports[0]!.stdout) as { runs: number; calls: number };
// The stored rows are counted, and the COPY ceiling taken, on the Postgres database: only when it was benched.
let rows: number | null = null;
const copies: Measurement[] = [];
if (kinds.includes("postgres")) {
  const counts = (
    await onServer(
      `SELECT (SELECT count(*) FROM "Call") + (SELECT count(*) FROM "ToolCall") + (SELECT count(*) FROM "Run") + (SELECT count(*) FROM "RunDaySpend") AS rows`,
      databaseUrl,
    )
  ).rows[0] as { rows: string };
  rows = Number(counts.rows);

  // The ceiling: COPY of the same number of narrow rows (an id, a timestamp, a model, four counts).
  const csv = path.join(corpus, "copy-rows.csv");
  const line = (i: number) => `${i},2026-02-01T10:00:00Z,claude-sonnet-4-5,${i % 97},${i % 13},${i % 1000},${i % 7}\n`;
  writeFileSync(csv, Array.from({ length: rows }, (_, i) => line(i)).join(""));
  await onServer(
    `DROP TABLE IF EXISTS copy_ceiling; CREATE TABLE copy_ceiling (id bigint, at timestamptz, model text, a int, b int, c int, d int)`,
    databaseUrl,
  );
  for (let run = 0; run < runs; run++) {
    await onServer("TRUNCATE copy_ceiling", databaseUrl);
    copies.push(await measure("psql", [databaseUrl, "-q", "-c", `\\copy copy_ceiling FROM '${csv}' CSV`]));
  }
}
await onServer(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`, values.server!);

/** Best of the runs (the machine is shared: the least disturbed run), peak RSS the largest. */
const summary = (series: { wallSeconds: number; peakRssMb: number }[]) => ({
  wallSeconds: Math.min(...series.map((m) => m.wallSeconds)),
  peakRssMb: Math.max(...series.map((m) => m.peakRssMb)),
});
const row = (name: string, series: { wallSeconds: number; peakRssMb: number }[], extra = "") => {
  if (series.length === 0) return `${name.padEnd(66)} (not run)`;
  const { wallSeconds, peakRssMb } = summary(series);
  return `${name.padEnd(66)} ${wallSeconds.toFixed(2).padStart(7)} s ${peakRssMb.toFixed(0).padStart(6)} MB${extra}`;
};
const importSeconds = summary(firstImports).wallSeconds;
const ccusageSeconds = summary(ccusage).wallSeconds;
const lines: string[] = [
  `corpus: ${corpus} (${(corpusBytes / 1e6).toFixed(0)} MB); ${imported.calls.toLocaleString("en-US")} calls in ${imported.runs} runs; ${rows === null ? "rows written counted on Postgres only" : `${rows.toLocaleString("en-US")} rows written`}; best of ${runs}, peak RSS max; load average ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")}`,
];
for (const kind of kinds) {
  const f = figures[kind];
  lines.push(
    row(`[${kind}] trh import (fresh database)`, f.import),
    row(`[${kind}] trh import again (everything a duplicate)`, f.reimport),
    row(
      `[${kind}] trh push, many files per request (client RSS)`,
      f.push,
      f.push.length ? `; server ${Math.max(...f.push.map((p) => p.serverPeakRssMb)).toFixed(0)} MB` : "",
    ),
    row(`[${kind}] upload as the Ingest page sends it, many files per request (server RSS)`, f.upload),
  );
  if (f.push.length)
    lines.push(
      `[${kind}] push, server RSS at ${rssCurve(f.push.at(-1)!.serverRss, corpusBytes)} (last run)`,
      `[${kind}] push / import: ${(summary(f.push).wallSeconds / summary(f.import).wallSeconds).toFixed(2)}x (goal: at most 1.5x)`,
    );
  if (f.upload.length)
    lines.push(
      `[${kind}] upload / import: ${(summary(f.upload).wallSeconds / summary(f.import).wallSeconds).toFixed(2)}x (goal: at most 1.5x)`,
    );
}
lines.push(
  row(`ccusage ${CCUSAGE_VERSION} daily --offline --json (Claude Code part)`, ccusage),
  row(`psql \\copy of ${rows?.toLocaleString("en-US") ?? "as many"} narrow rows (ceiling)`, copies),
  `import / ccusage analyze: ${(importSeconds / ccusageSeconds).toFixed(1)}x (goal: at most 2x); peak memory goal: under 250 MB`,
);
process.stdout.write(`${lines.join("\n")}\n`);
