/**
 * `npm run bench:queries`: the dashboards' queries on 5 million calls.
 *
 * Creates the database trh_bench_queries on the local Postgres server (BENCH_POSTGRES_URL to
 * change; dropped and recreated each time, `--keep` leaves it), applies the migrations, and
 * generates one team's year of data with bulk SQL (INSERT ... SELECT generate_series): 20,000
 * runs of 250 calls on average plus one run of 5,000 calls with a tool call per call, 50 owners,
 * 10 projects, 3 models, a third of the runs accepted. Run totals, RunDaySpend and DailySpend are
 * computed from Call with GROUP BY, as the ingest writer's rollups hold them.
 *
 * Then times, for a week, a month and a quarter ending on the last day of data, the overview's
 * API queries (the same functions the routes call) and, beside each, the same question answered
 * from the Call table without rollups; and the drill-down of the 5,000-call run. Prints p50 and p95.
 */
import { spawn } from "node:child_process";
import { loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import pg from "pg";
import type { Scope } from "@/lib/auth/scope";
import { applyMigrations } from "@/lib/db/migrate";
import { databaseUrlOn, onServer } from "@/lib/testing/postgres-server";
import { BIG_RUN_CALLS, generateTeam, LAST_DAY, log, percentile, perRunRollups, time } from "./generate";

const CALLS = Number(process.env.BENCH_CALLS ?? 5_000_000);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 30);
/** A plain scan of millions of rows takes seconds; fewer repeats keep the whole run in minutes. */
const SCAN_REPEATS = Number(process.env.BENCH_SCAN_REPEATS ?? 5);
const CONCURRENT = 200;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
/** BENCH_PAGES=waste,context: time only the pages whose names start so. */
const PAGES = process.env.BENCH_PAGES?.split(",");

const serverUrl = process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const dbName = process.env.BENCH_DATABASE ?? "trh_bench_queries";
const benchUrl = databaseUrlOn(serverUrl, dbName);

const admin = (sql: string) => onServer(sql, serverUrl);

/**
 * The Waste page's cost anatomy as it was computed before the rollup: every run started in the
 * range read with its calls and tool calls, 25 runs at a time, and costAnatomy run over each.
 */
async function anatomyFromCalls(scope: Scope, range: { from: string; to: string }): Promise<void> {
  const { db } = await import("@/lib/db/client");
  const { loadRunInputs } = await import("@/lib/waste/load-runs");
  const { loadPriceOverrides } = await import("@/lib/pricing/overrides");
  const { costAnatomy, addAnatomy, emptyAnatomy } = await import("@/lib/waste/cost-anatomy");
  const runs = await db().$queryRaw<{ id: string }[]>`
    SELECT id::text FROM "Run" WHERE "teamId" = ${scope.teamId}::uuid AND "startedAt" >= ${new Date(`${range.from}T00:00:00Z`)}
      AND "startedAt" < ${new Date(`${addDays(range.to, 1)}T00:00:00Z`)}`;
  const overrides = await loadPriceOverrides(db(), scope.teamId);
  const team = emptyAnatomy();
  for (let start = 0; start < runs.length; start += 25)
    for (const input of await loadRunInputs(
      db(),
      scope.teamId,
      runs.slice(start, start + 25).map((run) => run.id),
      overrides,
    ))
      addAnatomy(team, costAnatomy(input));
}

async function timePages(client: pg.Client, cli: Scope, bigRunId: string) {
  const { pageWork } = await import("./pages");
  const { addMember } = await import("@/lib/admin/members");
  // An admin, as the pages are opened by a signed-in user.
  let userId = (await client.query(`SELECT id::text FROM "User" WHERE email = 'admin@bench.example.com'`)).rows[0]?.id;
  if (!userId)
    ({ userId } = await addMember(cli.teamId, {
      email: "admin@bench.example.com",
      password: "correct horse battery",
      role: "ADMIN",
    }));
  const scope: Scope = {
    ...cli,
    actor: { kind: "user", userId, email: "admin@bench.example.com", role: "ADMIN" },
  };
  const rows: {
    page: string;
    range: string;
    p50: number;
    p95: number;
    scanP50: number | null;
    scanP95: number | null;
  }[] = [];
  for (const [range, days] of [
    ["month", 30],
    ["quarter", 91],
  ] as const) {
    for (const [page, work] of Object.entries(pageWork(scope, days, bigRunId))) {
      if (PAGES && !PAGES.some((name) => page.startsWith(name))) continue;
      if (page.startsWith("run drill-down") && range !== "month") continue;
      const fast = await time(REPEATS, work);
      // Reading every call of a quarter takes minutes here: the month shows the difference.
      const before =
        page === "waste" && range === "month"
          ? await time(SCAN_REPEATS, () =>
              anatomyFromCalls(scope, { from: addDays(LAST_DAY, -(days - 1)), to: LAST_DAY }),
            )
          : null;
      rows.push({
        page,
        range: page.startsWith("run drill-down") || page === "budgets" || page.startsWith("people") ? "-" : range,
        ...fast,
        scanP50: before?.p50 ?? null,
        scanP95: before?.p95 ?? null,
      });
      log(`${range} page ${page}: p95 ${fast.p95.toFixed(1)} ms`);
    }
  }
  return rows;
}

/**
 * 200 concurrent GET /api/v1/spend with a read key, against the route handler in a server process
 * of its own, on the bench team (5M calls) and on a small team whose rollup holds one owner's
 * month: requests per second and each request's latency.
 */
async function spendThroughput(client: pg.Client, teamId: string) {
  const { createApiKey } = await import("@/lib/admin/api-keys");
  const small = await client.query(
    `INSERT INTO "Team" (slug, name) VALUES ('bench-small-' || floor(random() * 1e9), 'Bench small') RETURNING id`,
  );
  const smallTeamId: string = small.rows[0].id;
  await client.query(
    `INSERT INTO "DailySpend" ("teamId", day, "ownerId", "projectId", "taskId", model, source, calls, "inputTokens", "outputTokens", "cacheWriteTokens", "cacheReadTokens", "costUsd")
     SELECT $2, day, '', "projectId", '', model, source, sum(calls), sum("inputTokens"), sum("outputTokens"), sum("cacheWriteTokens"), sum("cacheReadTokens"), sum("costUsd")
     FROM "DailySpend" WHERE "teamId" = $1 AND day > $3::date - 30 AND "ownerId" = (SELECT min("ownerId") FROM "DailySpend" WHERE "teamId" = $1 AND "ownerId" <> '')
     GROUP BY day, "projectId", model, source`,
    [teamId, smallTeamId, LAST_DAY],
  );
  const server = spawn(process.execPath, ["node_modules/.bin/tsx", "bench/spend-server.ts"], {
    env: { ...process.env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const port = await new Promise<number>((resolve) =>
    server.stdout!.on("data", (chunk: Buffer) => {
      const match = /ready (\d+)/.exec(chunk.toString());
      if (match) resolve(Number(match[1]));
    }),
  );
  const rows: { data: string; rollupRows: number; perSecond: number; p50: number; p95: number }[] = [];
  try {
    for (const [data, team] of [
      ["small team (one owner's month)", smallTeamId],
      ["bench team (5M calls)", teamId],
    ] as const) {
      const { key } = await createApiKey({ teamId: team }, { name: "bench", scope: "read" });
      const url = `http://127.0.0.1:${port}/api/v1/spend?groupBy=owner&from=${addDays(LAST_DAY, -29)}&to=${LAST_DAY}`;
      const one = async () => {
        const begin = performance.now();
        const response = await fetch(url, { headers: { authorization: `Bearer ${key}` } });
        if (response.status !== 200) throw new Error(`spend answered ${response.status}: ${await response.text()}`);
        await response.arrayBuffer();
        return performance.now() - begin;
      };
      await Promise.all(Array.from({ length: 20 }, one)); // warm-up
      const latencies: number[] = [];
      const begin = performance.now();
      for (let round = 0; round < ROUNDS; round += 1)
        latencies.push(...(await Promise.all(Array.from({ length: CONCURRENT }, one))));
      const seconds = (performance.now() - begin) / 1000;
      latencies.sort((a, b) => a - b);
      const count = await client.query(`SELECT count(*)::int AS n FROM "DailySpend" WHERE "teamId" = $1`, [team]);
      rows.push({
        data,
        rollupRows: count.rows[0].n,
        perSecond: latencies.length / seconds,
        p50: percentile(latencies, 50),
        p95: percentile(latencies, 95),
      });
      log(`${data}: ${(latencies.length / seconds).toFixed(0)} requests/s`);
    }
  } finally {
    server.kill();
  }
  return rows;
}

const addDays = (day: string, days: number) => {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
};

async function main() {
  const keep = process.argv.includes("--keep");
  // `--only pages` (or questions, spend): time one part of a kept database (--reuse), keeping it.
  const only = process.argv.includes("--only") ? process.argv[process.argv.indexOf("--only") + 1] : undefined;
  const reuse = process.argv.includes("--reuse") || only !== undefined;
  const part = (name: "questions" | "pages" | "spend") => only === undefined || only === name;
  if (!reuse) {
    await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin(`CREATE DATABASE ${dbName}`);
    await applyMigrations(benchUrl);
  }
  process.env.DATABASE_URL = benchUrl;
  const client = new pg.Client({ connectionString: benchUrl });
  await client.connect();
  const started = performance.now();
  let teamId: string;
  let bigRunId: string;
  if (reuse) {
    teamId = (await client.query(`SELECT id FROM "Team" WHERE slug = 'bench'`)).rows[0].id;
    bigRunId = (await client.query(`SELECT id FROM "Run" WHERE "teamId" = $1 AND "externalId" = 'session-0'`, [teamId]))
      .rows[0].id;
  } else {
    ({ teamId, bigRunId } = await generateTeam(client, { slug: "bench", calls: CALLS }));
    await client.query("ANALYZE");
    log(`generated in ${((performance.now() - started) / 1000).toFixed(0)} s`);
    await perRunRollups(client, teamId, "bench");
  }

  // Imported after DATABASE_URL points at the bench database: db() opens on first use.
  const { spendByGroup } = await import("@/lib/queries/spend-by-group");
  const { runsList } = await import("@/lib/queries/runs-list");
  const { costPerOutcome } = await import("@/lib/queries/cost-per-outcome");
  const { dailySpendByGroup } = await import("@/lib/queries/daily-spend-by-group");
  const { runDetail } = await import("@/lib/queries/run-detail");
  const { projectContextCurve } = await import("@/lib/queries/project-context-curve");
  const { closeDb } = await import("@/lib/db/client");
  const scope = { teamId, teamSlug: "bench", teamName: "Bench", actor: { kind: "cli" as const, osUser: "bench" } };

  const scan = (sql: string, params: unknown[]) => () => client.query(sql, params);
  const callsOf = `FROM "Call" c JOIN "Run" r ON r."teamId" = c."teamId" AND r.id = c."runId"
    LEFT JOIN "Person" o ON o.id = r."ownerId" LEFT JOIN "Project" p ON p.id = r."projectId"
    WHERE c."teamId" = $1 AND c.timestamp >= $2::date AND c.timestamp < $3::date + 1`;
  const scanKey = {
    day: `(c.timestamp AT TIME ZONE 'UTC')::date`,
    owner: `coalesce(o.email, 'unallocated')`,
    project: `coalesce(p.name, 'unallocated')`,
    model: `c.model`,
  };

  const rows: {
    question: string;
    range: string;
    p50: number;
    p95: number;
    scanP50: number | null;
    scanP95: number | null;
  }[] = [];
  const ranges = { week: 7, month: 30, quarter: 91 };
  for (const [range, days] of part("questions") ? Object.entries(ranges) : []) {
    const from = addDays(LAST_DAY, -(days - 1));
    const to = LAST_DAY;
    const params = [teamId, from, to];
    const questions: [string, () => Promise<unknown>, (() => Promise<unknown>) | null][] = [
      ...(["day", "owner", "project", "model"] as const).map(
        (groupBy): [string, () => Promise<unknown>, () => Promise<unknown>] => [
          `spend by ${groupBy}`,
          () => spendByGroup(scope, { from, to, groupBy }),
          scan(`SELECT ${scanKey[groupBy]} AS key, sum(c."costUsd"), count(*) ${callsOf} GROUP BY 1`, params),
        ],
      ),
      [
        "spend per day by owner (chart)",
        () => dailySpendByGroup(scope, { from, to, stackBy: "owner" }),
        scan(`SELECT ${scanKey.day}, ${scanKey.owner}, sum(c."costUsd") ${callsOf} GROUP BY 1, 2`, params),
      ],
      [
        "runs list, by cost",
        () => runsList(scope, { from, to, sort: "cost", limit: 100 }),
        scan(
          `SELECT c."runId", sum(c."costUsd") AS cost, count(*) FROM "Call" c JOIN "Run" r ON r."teamId" = c."teamId" AND r.id = c."runId"
              WHERE c."teamId" = $1 AND r."startedAt" >= $2::date AND r."startedAt" < $3::date + 1 GROUP BY 1 ORDER BY 2 DESC LIMIT 100`,
          params,
        ),
      ],
      [
        "cost per accepted outcome, by week",
        () => costPerOutcome(scope, { from, to, groupBy: "week" }),
        scan(
          `SELECT date_trunc('week', c.timestamp), sum(c."costUsd"), sum(c."costUsd") FILTER (WHERE r.outcome IS DISTINCT FROM 'ACCEPTED') ${callsOf} GROUP BY 1`,
          params,
        ),
      ],
    ];
    for (const [question, ours, plain] of questions) {
      const fast = await time(REPEATS, ours);
      const slow = plain ? await time(SCAN_REPEATS, plain) : null;
      rows.push({ question, range, ...fast, scanP50: slow?.p50 ?? null, scanP95: slow?.p95 ?? null });
      log(`${range} ${question}: p95 ${fast.p95.toFixed(1)} ms`);
    }
  }
  let drill: { p50: number; p95: number } | null = null;
  if (part("questions")) {
    const project = (await client.query(`SELECT "projectId"::text AS id FROM "Run" WHERE id = $1`, [bigRunId])).rows[0]
      .id as string | null;
    drill = await time(REPEATS, () => Promise.all([runDetail(scope, bigRunId), projectContextCurve(scope, project)]));
    // The plain-scan counterpart: the run's calls with the index on runId disabled.
    const drillScan = await time(SCAN_REPEATS, async () => {
      await client.query("BEGIN");
      await client.query("SET LOCAL enable_indexscan = off; SET LOCAL enable_bitmapscan = off");
      await client.query(`SELECT * FROM "Call" WHERE "teamId" = $1 AND "runId" = $2 ORDER BY timestamp, id`, [
        teamId,
        bigRunId,
      ]);
      await client.query("COMMIT");
    });
    rows.push({
      question: `run drill-down, ${BIG_RUN_CALLS} calls (+ project curve)`,
      range: "-",
      ...drill,
      scanP50: drillScan.p50,
      scanP95: drillScan.p95,
    });
  }

  const pages = part("pages") ? await timePages(client, scope, bigRunId) : [];
  const throughput = part("spend") ? await spendThroughput(client, teamId) : [];

  const ms = (value: number | null) => (value === null ? "-" : value.toFixed(1));
  console.log(
    `\n${CALLS.toLocaleString("en-US")} calls; ${REPEATS} repeats (plain scans: ${SCAN_REPEATS}); times in ms\n`,
  );
  console.log("| question | range | p50 | p95 | plain scan p50 | plain scan p95 |");
  console.log("|---|---|---|---|---|---|");
  for (const row of rows)
    console.log(
      `| ${row.question} | ${row.range} | ${ms(row.p50)} | ${ms(row.p95)} | ${ms(row.scanP50)} | ${ms(row.scanP95)} |`,
    );
  const overviewSlow = rows.filter((row) => row.range !== "-" && row.p95 >= 100);
  console.log(
    `\ngoal: overview < 100 ms p95: ${overviewSlow.length === 0 ? "met" : `missed by ${overviewSlow.map((r) => `${r.range} ${r.question}`).join(", ")}`}; drill-down < 200 ms p95: ${drill === null ? "not timed" : drill.p95 < 200 ? "met" : "missed"}`,
  );

  console.log(
    `\nEach page's server work (bench/pages.ts: its queries as the page runs them), ${REPEATS} repeats; times in ms\n`,
  );
  console.log("| page | range | p50 | p95 | before: from calls p50 | before: from calls p95 |");
  console.log("|---|---|---|---|---|---|");
  for (const row of pages)
    console.log(
      `| ${row.page} | ${row.range} | ${ms(row.p50)} | ${ms(row.p95)} | ${ms(row.scanP50)} | ${ms(row.scanP95)} |`,
    );
  const slowPages = pages.filter((row) => row.p95 >= 300);
  console.log(
    `\ngoal: every page < 300 ms server time (p95): ${slowPages.length === 0 ? "met" : `missed by ${slowPages.map((r) => `${r.range} ${r.page}`).join(", ")}`}`,
  );
  console.log(
    `\n${CONCURRENT} concurrent GET /api/v1/spend?groupBy=owner (a month), ${ROUNDS} rounds, route handler behind node:http in its own process\n`,
  );
  console.log("| data | DailySpend rows | requests/s | p50 ms | p95 ms |");
  console.log("|---|---|---|---|---|");
  for (const row of throughput)
    console.log(
      `| ${row.data} | ${row.rollupRows.toLocaleString("en-US")} | ${row.perSecond.toFixed(0)} | ${ms(row.p50)} | ${ms(row.p95)} |`,
    );
  console.log(
    `load average at the end: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")}`,
  );

  await client.end();
  await closeDb();
  if (!keep && !only) await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
}

await main();
