/**
 * `npm run bench:otlp`: many OpenTelemetry exporters streaming Claude Code telemetry at once, as a
 * team's developers do: 16 exporters send 1,200 OTLP/HTTP JSON log bodies of 5 `api_request`
 * events each (the shape Claude Code's exporter sends) to the receiver `npm start` serves
 * (/api/otlp/v1/logs, through bench/ingest-server.ts), on Postgres and on the embedded database.
 * Reports bodies and events per second, errors, the batches they were written in, the server's
 * resident memory at the start, after one warm-up body (the first request loads what every later
 * one uses: ~130 MB), at the end and at its peak, and checks the stored totals against what was
 * sent (calls and every token kind, counted here from the generated events, not by the app).
 *
 * usage: tsx bench/otlp.ts [--exporters 16] [--bodies 1200] [--events 5] [--runs N] [--databases postgres,embedded]
 */
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { CORPUS } from "./measure";
import { benchDatabase, cpuSeconds, type DatabaseKind, rssMb, withIngestServer } from "./server-under-test";

const { values } = parseArgs({
  options: {
    exporters: { type: "string", default: "16" },
    bodies: { type: "string", default: "1200" },
    events: { type: "string", default: "5" },
    runs: { type: "string", default: "1" },
    server: { type: "string", default: "postgres://postgres@127.0.0.1:5432/postgres" },
    databases: { type: "string", default: "postgres,embedded" },
  },
});
const exporters = Number(values.exporters);
const bodyCount = Number(values.bodies);
const eventsPerBody = Number(values.events);

const text = (value: string) => ({ stringValue: value });
const int = (value: number) => ({ intValue: String(value) });
const MODELS = ["claude-sonnet-4-5", "claude-opus-4-6", "claude-haiku-4-5"];

interface Sent {
  calls: number;
  input: number;
  output: number;
  cacheRead: number;
  cacheCreation: number;
}

/** Exporter e's bodies: one session per exporter, its developer's email, tokens from a seeded generator. */
function exporterBodies(exporter: number, count: number, sent: Sent, runTag: string): string[] {
  const rng = xoroshiro128plus(exporter + 1);
  const next = (max: number) => uniformInt(rng, 0, max);
  const bodies: string[] = [];
  const start = Date.UTC(2026, 10, 2, 9, 0, 0) + exporter * 1000;
  for (let b = 0; b < count; b++) {
    const records = [];
    for (let e = 0; e < eventsPerBody; e++) {
      const sequence = b * eventsPerBody + e;
      const input = 1 + next(4000);
      const output = 1 + next(2000);
      const cacheRead = next(80_000);
      const cacheCreation = next(6000);
      sent.calls++;
      sent.input += input;
      sent.output += output;
      sent.cacheRead += cacheRead;
      sent.cacheCreation += cacheCreation;
      const attributes = {
        "event.name": text("api_request"),
        "session.id": text(`otlp-bench-${runTag}-${exporter}`),
        "user.email": text(`developer${exporter}@example.com`),
        "event.timestamp": text(new Date(start + sequence * 7000).toISOString()),
        model: text(MODELS[exporter % MODELS.length]!),
        request_id: text(`req_${runTag}_${exporter}_${sequence}`),
        input_tokens: int(input),
        output_tokens: int(output),
        cache_read_tokens: int(cacheRead),
        cache_creation_tokens: int(cacheCreation),
        duration_ms: int(800 + next(9000)),
      };
      records.push({
        timeUnixNano: `${BigInt(start + sequence * 7000) * 1_000_000n}`,
        body: text("claude_code.api_request"),
        attributes: Object.entries(attributes).map(([key, value]) => ({ key, value })),
      });
    }
    bodies.push(
      JSON.stringify({
        resourceLogs: [
          {
            resource: {
              attributes: [
                { key: "service.name", value: text("claude-code") },
                { key: "host.name", value: text(`laptop-${exporter}`) },
              ],
            },
            scopeLogs: [{ scope: { name: "com.anthropic.claude_code.events" }, logRecords: records }],
          },
        ],
      }),
    );
  }
  return bodies;
}

interface RunFigures {
  seconds: number;
  /** The app server's own CPU time for the whole stream (the database server's is not counted). */
  serverCpuSeconds: number;
  bodiesPerSecond: number;
  eventsPerSecond: number;
  errors: number;
  rssStartMb: number;
  rssWarmMb: number;
  rssEndMb: number;
  rssPeakMb: number;
  exact: boolean;
  latencyP95Ms: number;
  batches: number;
}

async function storedTotals(
  kind: DatabaseKind,
  url: string | null,
  dataDir: string,
): Promise<Sent & { batches: number }> {
  const sql = `SELECT (SELECT count(*)::int FROM "IngestBatch") AS batches, count(*)::int AS calls, coalesce(sum("uncachedInput"),0)::float8 AS input,
    coalesce(sum(output),0)::float8 AS output, coalesce(sum("cacheRead"),0)::float8 AS "cacheRead",
    coalesce(sum("cacheWrite5m" + "cacheWrite1h"),0)::float8 AS "cacheCreation" FROM "Call"`;
  if (kind === "postgres") {
    const client = new pg.Client({ connectionString: url! });
    await client.connect();
    try {
      return (await client.query(sql)).rows[0] as Sent & { batches: number };
    } finally {
      await client.end();
    }
  }
  const db = await PGlite.create(path.join(dataDir, "pglite"));
  try {
    return (await db.query<Sent & { batches: number }>(sql)).rows[0]!;
  } finally {
    await db.close();
  }
}

async function runOnce(kind: DatabaseKind, run: number): Promise<RunFigures> {
  const dataDir = path.join(CORPUS, ".otlp-data");
  const database = benchDatabase(kind, process.env.BENCH_DATABASE ?? "trh_bench_otlp", values.server!, dataDir);
  await database.fresh();
  const sent: Sent = { calls: 0, input: 0, output: 0, cacheRead: 0, cacheCreation: 0 };
  const perExporter = Math.ceil(bodyCount / exporters);
  const tag = `${Date.now()}-${run}`;
  const queues = Array.from({ length: exporters }, (_, e) =>
    exporterBodies(e, Math.min(perExporter, bodyCount - e * perExporter), sent, tag),
  );
  const warmUp = exporterBodies(exporters, 1, sent, `${tag}-warm-up`)[0]!;
  const latencies: number[] = [];
  let errors = 0;
  const { result } = await withIngestServer(database, 3219, async (url, key, pid) => {
    const post = (body: string) =>
      fetch(`${url}/api/otlp/v1/logs`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body,
      });
    const rssStartMb = rssMb(pid, "VmRSS");
    if (!(await post(warmUp)).ok) errors++;
    // Its after-commit pass too, so the stream starts on a quiet server.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const rssWarmMb = rssMb(pid, "VmRSS");
    const cpuStart = cpuSeconds(pid);
    const started = performance.now();
    await Promise.all(
      queues.map(async (bodies) => {
        for (const body of bodies) {
          const begun = performance.now();
          const response = await post(body);
          const answer = (await response.json()) as { partialSuccess?: unknown };
          latencies.push(performance.now() - begun);
          if (!response.ok || answer.partialSuccess) errors++;
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const serverCpuSeconds = cpuSeconds(pid) - cpuStart;
    return {
      seconds,
      serverCpuSeconds,
      rssStartMb,
      rssWarmMb,
      rssEndMb: rssMb(pid, "VmRSS"),
      rssPeakMb: rssMb(pid, "VmHWM"),
    };
  });
  const stored = await storedTotals(kind, database.url, dataDir);
  await database.drop();
  const bodies = queues.reduce((sum, q) => sum + q.length, 0);
  latencies.sort((a, b) => a - b);
  return {
    ...result,
    bodiesPerSecond: bodies / result.seconds,
    eventsPerSecond: sent.calls / result.seconds,
    errors,
    exact:
      stored.calls === sent.calls &&
      stored.input === sent.input &&
      stored.output === sent.output &&
      stored.cacheRead === sent.cacheRead &&
      stored.cacheCreation === sent.cacheCreation,
    latencyP95Ms: latencies[Math.floor(latencies.length * 0.95)] ?? 0,
    batches: stored.batches,
  };
}

const lines = [
  `${exporters} exporters, ${bodyCount} OTLP JSON bodies of ${eventsPerBody} api_request events; best of ${values.runs}; load average ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")}`,
];
for (const kind of values.databases!.split(",") as DatabaseKind[]) {
  const figures: RunFigures[] = [];
  for (let run = 0; run < Number(values.runs); run++) {
    figures.push(await runOnce(kind, run));
    const f = figures.at(-1)!;
    process.stderr.write(`[${kind}] ${f.seconds.toFixed(1)} s, ${f.bodiesPerSecond.toFixed(0)} bodies/s\n`);
  }
  const best = figures.reduce((a, b) => (b.seconds < a.seconds ? b : a));
  lines.push(
    `[${kind}] ${best.seconds.toFixed(1)} s: ${best.bodiesPerSecond.toFixed(0)} bodies/s, ${best.eventsPerSecond.toFixed(0)} events/s, ` +
      `p95 ${best.latencyP95Ms.toFixed(0)} ms per body, ${best.errors} errors, totals ${best.exact ? "exact" : "DIFFERENT"}, ` +
      `${best.batches} batches; ` +
      `server CPU ${((best.serverCpuSeconds * 1000) / (best.bodiesPerSecond * best.seconds)).toFixed(1)} ms per body; ` +
      `server RSS ${best.rssStartMb.toFixed(0)} MB at start, ${best.rssWarmMb.toFixed(0)} MB after one body, ` +
      `${best.rssEndMb.toFixed(0)} MB at the end, ${best.rssPeakMb.toFixed(0)} MB peak`,
  );
}
lines.push("goal: 5x 43 bodies/s (215 bodies/s, 1,075 events/s) on this machine, server memory flat");
process.stdout.write(`${lines.join("\n")}\n`);
