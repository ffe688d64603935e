/**
 * `npm run bench:scale`: ingest throughput and every page's p95 as the database grows across many
 * teams, on the local Postgres server (database trh_bench_scale, dropped and recreated; `--keep`
 * leaves it).
 *
 *   --steps 1000000,10000000,50000000   total calls after each step (the default)
 *   --team-calls 100000                 calls per generated team (a year of runs each)
 *   --repeats 20                        timed repeats of each page (after one warm-up)
 *   --ingest-mb 8                       size of the Claude Code / Codex corpus ingested at each step
 *
 * The first team ("measured") is generated with its findings, cost anatomy, context packages and
 * budgets (bench/generate.ts, as bench:queries makes its team); each step then adds teams of
 * --team-calls calls by bulk SQL (their runs, calls, keys, monthly partitions and rollups; not their
 * findings) until the total is reached. At each step it measures:
 * - ingest: a generated corpus (bench/corpus.ts) imported through the ingest writer (ingestFile, the
 *   path of `trh import`) into a new team: stored calls per second of wall time;
 * - pages: each page's server work (bench/pages.ts) for the measured team over a month ending on
 *   its last day of data: p50 and p95. The measured team's data is the same at every step: what
 *   changes is everything else in the database.
 * and prints the load average beside each step (the machine is shared).
 */
import { createReadStream } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import type { Scope } from "@/lib/auth/scope";
import { applyMigrations } from "@/lib/db/migrate";
import { databaseUrlOn, onServer } from "@/lib/testing/postgres-server";
import { generateCorpus } from "./corpus";
import { dropCallIndexes, generateTeam, log, perRunRollups, restoreIndexes, time } from "./generate";

const { values } = parseArgs({
  options: {
    steps: { type: "string", default: "1000000,10000000,50000000" },
    "team-calls": { type: "string", default: "100000" },
    repeats: { type: "string", default: "20" },
    "ingest-mb": { type: "string", default: "8" },
    keep: { type: "boolean", default: false },
  },
});
const steps = values.steps!.split(",").map(Number);
const teamCalls = Number(values["team-calls"]);
const repeats = Number(values.repeats);

const serverUrl = process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const dbName = "trh_bench_scale";
const benchUrl = databaseUrlOn(serverUrl, dbName);

const admin = (sql: string) => onServer(sql, serverUrl);

const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(" ");

interface StepResult {
  calls: number;
  teams: number;
  generateSeconds: number;
  ingest: { calls: number; seconds: number };
  pages: { page: string; p50: number; p95: number }[];
  loadBefore: string;
  loadAfter: string;
  partitions: number;
  databaseGb: number;
}

async function main() {
  await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin(`CREATE DATABASE ${dbName}`);
  await applyMigrations(benchUrl);
  process.env.DATABASE_URL = benchUrl;
  const client = new pg.Client({ connectionString: benchUrl });
  await client.connect();
  // Imported after DATABASE_URL points at the bench database: db() opens on first use.
  const { addMember } = await import("@/lib/admin/members");
  const { findTraceFiles } = await import("@/lib/analyze/trace-files");
  const { ingestFile } = await import("@/lib/ingest/ingest-file");
  const { pageWork } = await import("./pages");
  const { closeDb } = await import("@/lib/db/client");

  const corpus = path.join(tmpdir(), "trh-bench-scale-corpus");
  generateCorpus(corpus, Number(values["ingest-mb"]));
  const { files } = await findTraceFiles([corpus]);

  let started = performance.now();
  const measured = await generateTeam(client, { slug: "measured", calls: teamCalls });
  await client.query("ANALYZE");
  await perRunRollups(client, measured.teamId, "measured");
  log(`measured team in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  const cli = {
    teamId: measured.teamId,
    teamSlug: "measured",
    teamName: "Bench measured",
    actor: { kind: "cli" as const, osUser: "bench" },
  };
  const { userId } = await addMember(measured.teamId, {
    email: "admin@bench.example.com",
    password: "correct horse battery",
    role: "ADMIN",
  });
  const scope: Scope = { ...cli, actor: { kind: "user", userId, email: "admin@bench.example.com", role: "ADMIN" } };

  const results: StepResult[] = [];
  let total = teamCalls;
  let teams = 1;
  for (const target of steps) {
    const loadBefore = load();
    started = performance.now();
    if (total < target) {
      const indexes = await dropCallIndexes(client);
      while (total < target) {
        const calls = Math.min(teamCalls, target - total);
        await generateTeam(client, { slug: `team-${teams}`, calls: Math.max(calls, 10_000), rebuildIndexes: false });
        total += Math.max(calls, 10_000);
        teams += 1;
        if (teams % 10 === 0) log(`${teams} teams, ${total.toLocaleString("en-US")} calls`);
      }
      await restoreIndexes(client, indexes);
      await client.query("ANALYZE");
    }
    const generateSeconds = (performance.now() - started) / 1000;

    // Ingest through the writer into a team of its own.
    const ingestTeam = (
      await client.query<{ id: string }>(`INSERT INTO "Team" (slug, name) VALUES ($1, $1) RETURNING id::text`, [
        `ingest-${target}`,
      ])
    ).rows[0]!;
    const ingestScope: Scope = { ...cli, teamId: ingestTeam.id, teamSlug: `ingest-${target}` };
    started = performance.now();
    let ingested = 0;
    for (const file of files) {
      const result = await ingestFile(ingestScope, {
        format: file.format,
        fileName: file.fileName,
        body: { bytes: createReadStream(file.absolutePath), gzip: false },
      });
      ingested += result.calls;
    }
    const ingest = { calls: ingested, seconds: (performance.now() - started) / 1000 };
    total += ingested;
    log(`step ${target.toLocaleString("en-US")}: ingest ${ingested} calls in ${ingest.seconds.toFixed(1)} s`);

    const pages: StepResult["pages"] = [];
    for (const [page, work] of Object.entries(pageWork(scope, 30, measured.bigRunId))) {
      const timing = await time(repeats, work);
      pages.push({ page, ...timing });
      log(`step ${target.toLocaleString("en-US")}: ${page} p95 ${timing.p95.toFixed(0)} ms`);
    }
    const facts = (
      await client.query<{ partitions: number; bytes: string }>(
        `SELECT (SELECT count(*)::int FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'Call') AS partitions,
           pg_database_size(current_database())::text AS bytes`,
      )
    ).rows[0]!;
    results.push({
      calls: total,
      teams,
      generateSeconds,
      ingest,
      pages,
      loadBefore,
      loadAfter: load(),
      partitions: facts.partitions,
      databaseGb: Number(facts.bytes) / 1e9,
    });
  }

  const ms = (value: number) => value.toFixed(0);
  console.log(
    `\nbench:scale: ${repeats} repeats per page, month range, measured team ${teamCalls.toLocaleString("en-US")} calls\n`,
  );
  console.log(`| | ${results.map((r) => `${(r.calls / 1e6).toFixed(1)}M calls`).join(" | ")} |`);
  console.log(`|---|${results.map(() => "---").join("|")}|`);
  const row = (label: string, cell: (r: StepResult) => string) =>
    console.log(`| ${label} | ${results.map(cell).join(" | ")} |`);
  row("teams / Call partitions / database size", (r) => `${r.teams} / ${r.partitions} / ${r.databaseGb.toFixed(1)} GB`);
  row("load average before / after (1, 5, 15 min)", (r) => `${r.loadBefore} / ${r.loadAfter}`);
  row("generation of the step (bulk SQL)", (r) => `${r.generateSeconds.toFixed(0)} s`);
  row(
    "ingest through the writer, calls/s",
    (r) => `${(r.ingest.calls / r.ingest.seconds).toFixed(0)} (${r.ingest.calls} in ${r.ingest.seconds.toFixed(1)} s)`,
  );
  for (const page of results[0]?.pages ?? [])
    row(`${page.page}: p50 / p95 ms`, (r) => {
      const timing = r.pages.find((p) => p.page === page.page)!;
      return `${ms(timing.p50)} / ${ms(timing.p95)}`;
    });

  await client.end();
  await closeDb();
  if (!values.keep) await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
}

await main();
