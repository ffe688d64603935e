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

const CALLS = Number(process.env.BENCH_CALLS ?? 5_000_000);
const BIG_RUN_CALLS = 5000;
const REPEATS = Number(process.env.BENCH_REPEATS ?? 30);
/** A plain scan of millions of rows takes seconds; fewer repeats keep the whole run in minutes. */
const SCAN_REPEATS = Number(process.env.BENCH_SCAN_REPEATS ?? 5);
const LAST_DAY = "2026-11-27";
const CONCURRENT = 200;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const DAYS = 360;
/** BENCH_PAGES=waste,context: time only the pages whose names start so. */
const PAGES = process.env.BENCH_PAGES?.split(",");

const serverUrl = process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const dbName = process.env.BENCH_DATABASE ?? "trh_bench_queries";
const benchUrl = new URL(serverUrl);
benchUrl.pathname = `/${dbName}`;

async function admin(sql: string) {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function log(message: string) {
  process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${message}\n`);
}

async function generate(client: pg.Client): Promise<{ teamId: string; bigRunId: string }> {
  const runs = Math.round((CALLS - BIG_RUN_CALLS) / 250);
  const q = (sql: string, params: unknown[] = []) => client.query(sql, params);
  const team = await q(`INSERT INTO "Team" (slug, name) VALUES ('bench', 'Bench') RETURNING id`);
  const teamId: string = team.rows[0].id;
  await q(
    `INSERT INTO "Person" ("teamId", "displayName", email) SELECT $1, 'Dev ' || i, 'dev' || i || '@bench.example.com' FROM generate_series(1, 50) i`,
    [teamId],
  );
  await q(`INSERT INTO "Project" ("teamId", name) SELECT $1, 'project-' || i FROM generate_series(1, 10) i`, [teamId]);
  await q(`INSERT INTO "Task" ("teamId", key) SELECT $1, 'TRH-' || i FROM generate_series(1, 400) i`, [teamId]);

  // Runs: calls per run between 50 and 450 (mean 250); one in 20 has no owner, one in 10 no project.
  await q(
    `
    CREATE TEMP TABLE bench_run AS
    SELECT n, gen_random_uuid() AS id,
      CASE WHEN n = 0 THEN ${BIG_RUN_CALLS} ELSE 50 + (n * 7919) % 401 END AS calls,
      timestamptz '${LAST_DAY}T00:00:00Z' - make_interval(days => (n * 104729) % ${DAYS}, secs => (n * 31337) % 80000) AS started,
      (ARRAY['claude-sonnet-4-5-20250929', 'claude-opus-4-6', 'claude-haiku-4-5-20251001'])[1 + (n * 13) % 3] AS model,
      CASE WHEN n % 20 = 7 THEN NULL ELSE (SELECT id FROM "Person" WHERE "teamId" = $1 ORDER BY id OFFSET (n * 17) % 50 LIMIT 1) END AS owner,
      CASE WHEN n % 10 = 3 THEN NULL ELSE (SELECT id FROM "Project" WHERE "teamId" = $1 ORDER BY id OFFSET (n * 29) % 10 LIMIT 1) END AS project,
      (SELECT id FROM "Task" WHERE "teamId" = $1 ORDER BY id OFFSET (n * 37) % 400 LIMIT 1) AS task
    FROM generate_series(0, ${runs - 1}) n`,
    [teamId],
  );
  // The big run starts a week before the last day so it sits in every range.
  await q(`UPDATE bench_run SET started = timestamptz '${LAST_DAY}T00:00:00Z' - interval '6 days' WHERE n = 0`);
  await q(
    `
    INSERT INTO "Run" ("teamId", id, source, "externalId", title, "gitBranch", "startedAt", "endedAt", models, "ownerId", "projectId", "taskId", outcome)
    SELECT $1, id, 'claude-code', 'session-' || n, 'Bench run ' || n, 'feature/' || n, started, started + make_interval(secs => calls * 20), ARRAY[model],
      owner, project, task, CASE WHEN n % 3 = 0 THEN 'ACCEPTED'::"OutcomeStatus" END
    FROM bench_run`,
    [teamId],
  );
  log(`${runs} runs`);

  // Secondary indexes are rebuilt after the bulk insert: far faster than maintaining them row by row.
  const indexes = await q(
    `SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'Call' AND indexname <> 'Call_pkey'`,
  );
  for (const index of indexes.rows) await q(`DROP INDEX "${index.indexname}"`);
  // Context grows along the run and falls back after a "compaction" every 120 calls; prices are
  // Sonnet's ($3 in, $15 out, $0.30 cache read, $3.75 cache write per million).
  await q(
    `
    INSERT INTO "Call" ("teamId", "runId", source, "callKey", timestamp, model, "uncachedInput", "cacheRead", "cacheWrite5m", "cacheWrite1h",
      output, reasoning, "contextTokens", "costUsd", priced, "priceRule")
    SELECT $1, r.id, 'claude-code', r.n || ':' || i, r.started + make_interval(secs => i * 20), r.model,
      u, cr, cw, 0, o, 0, u + cr + cw,
      round((u * 3 + o * 15 + cr * 0.3 + cw * 3.75) / 1e6, 12), true, 'bench'
    FROM bench_run r, generate_series(1, r.calls) i,
      LATERAL (SELECT 5 + (i * 7) % 40 AS u, 12000 + ((i - 1) % 120) * 1400 AS cr,
                      CASE WHEN i % 120 = 1 THEN 12000 ELSE 300 + (i * 131) % 2500 END AS cw, 80 + (i * 97) % 1400 AS o) t`,
    [teamId],
  );
  log("calls inserted");
  for (const index of indexes.rows) await q(index.indexdef);
  log("call indexes rebuilt");
  await q(
    `
    INSERT INTO "ToolCall" ("teamId", "runId", "callId", "toolUseId", name, summary, "inputBytes", "outputBytes", "outputTokens", timestamp)
    SELECT c."teamId", c."runId", c.id, 'toolu_' || c.id, (ARRAY['Bash', 'Read', 'Edit', 'Grep'])[1 + c.id % 4], 'npm test -- ' || c.id, 120,
      200 + (c.id * 7919) % 40000, (200 + (c.id * 7919) % 40000) / 4, c.timestamp
    FROM "Call" c JOIN bench_run r ON r.id = c."runId" AND r.n = 0 WHERE c."teamId" = $1`,
    [teamId],
  );
  await q(
    `
    UPDATE "Run" r SET calls = s.calls, "inputTokens" = s.i, "outputTokens" = s.o, "cacheWriteTokens" = s.cw, "cacheReadTokens" = s.cr, "costUsd" = s.cost
    FROM (SELECT "runId", count(*) AS calls, sum("uncachedInput") AS i, sum(output) AS o, sum("cacheWrite5m" + "cacheWrite1h") AS cw,
            sum("cacheRead") AS cr, sum("costUsd") AS cost FROM "Call" WHERE "teamId" = $1 GROUP BY "runId") s
    WHERE r."teamId" = $1 AND r.id = s."runId"`,
    [teamId],
  );
  await q(
    `
    INSERT INTO "RunDaySpend" ("teamId", "runId", day, model, calls, "inputTokens", "outputTokens", "cacheWriteTokens", "cacheReadTokens", "costUsd")
    SELECT "teamId", "runId", (timestamp AT TIME ZONE 'UTC')::date, model, count(*), sum("uncachedInput"), sum(output),
      sum("cacheWrite5m" + "cacheWrite1h"), sum("cacheRead"), sum("costUsd")
    FROM "Call" WHERE "teamId" = $1 GROUP BY 1, 2, 3, 4`,
    [teamId],
  );
  await q(
    `
    INSERT INTO "DailySpend" ("teamId", day, "ownerId", "projectId", "taskId", model, calls, "inputTokens", "outputTokens", "cacheWriteTokens", "cacheReadTokens", "costUsd")
    SELECT s."teamId", s.day, coalesce(r."ownerId"::text, ''), coalesce(r."projectId"::text, ''), coalesce(r."taskId"::text, ''), s.model,
      sum(s.calls), sum(s."inputTokens"), sum(s."outputTokens"), sum(s."cacheWriteTokens"), sum(s."cacheReadTokens"), sum(s."costUsd")
    FROM "RunDaySpend" s JOIN "Run" r ON r."teamId" = s."teamId" AND r.id = s."runId"
    WHERE s."teamId" = $1 GROUP BY 1, 2, 3, 4, 5, 6`,
    [teamId],
  );
  await q(
    `
    INSERT INTO "Outcome" ("teamId", "runId", status, source, evidence, "decidedAt")
    SELECT $1, id, 'ACCEPTED', 'github', 'https://github.com/acme/app/pull/' || n, started + make_interval(secs => calls * 20 + 3600)
    FROM bench_run WHERE n % 3 = 0`,
    [teamId],
  );
  await q(`ANALYZE`);
  const counts = await q(
    `SELECT (SELECT count(*) FROM "Call")::int AS calls, (SELECT count(*) FROM "RunDaySpend")::int AS "runDays", (SELECT count(*) FROM "DailySpend")::int AS daily`,
  );
  log(`rollups: ${JSON.stringify(counts.rows[0])}`);
  const big = await q(`SELECT id FROM bench_run WHERE n = 0`);
  return { teamId, bigRunId: big.rows[0].id };
}

/**
 * What the ingest's after-commit work writes per run, by the same code: findings and cost anatomy
 * (backfillRunAnatomies, as `npm start` runs it for data stored before the rollup), context
 * packages. The generated runs have no tool calls (bar the big run), so their detectors find
 * little; two findings per run of the usual categories are added by SQL so that the Waste page has
 * a realistic number to read (~40,000). And six budgets for the Budgets page.
 */
async function perRunRollups(client: pg.Client, teamId: string): Promise<void> {
  const { backfillRunAnatomies } = await import("@/lib/rollups/rebuild");
  const { recomputeTeamPackages } = await import("@/lib/context-package/recompute");
  const { createBudget } = await import("@/lib/budgets/budgets");
  const { createBudgetSchema } = await import("@/lib/budgets/budget-input");
  let started = performance.now();
  const { runs } = await backfillRunAnatomies();
  log(`findings and cost anatomy of ${runs} runs in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  started = performance.now();
  await recomputeTeamPackages(teamId);
  log(`context packages in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  await client.query(
    `
    INSERT INTO "Finding" ("teamId", "runId", category, "wastedTokens", "wastedUsd", "callIds", explanation, day)
    SELECT r."teamId", r.id, (ARRAY['cache-miss', 'repeated-tool-output', 'oversized-tool-output', 'retry', 'context-growth'])[1 + (k + hashtext(r.id::text) % 5 + 5) % 5],
      1000 * k + 500, r."costUsd" * 0.03 * k, ARRAY[(SELECT c.id FROM "Call" c WHERE c."teamId" = r."teamId" AND c."runId" = r.id ORDER BY c.timestamp, c.id LIMIT 1)],
      'bench finding', (r."startedAt" AT TIME ZONE 'UTC')::date
    FROM "Run" r, generate_series(1, 2) k WHERE r."teamId" = $1`,
    [teamId],
  );
  const cli = { teamId, teamSlug: "bench", teamName: "Bench", actor: { kind: "cli" as const, osUser: "bench" } };
  const someOf = async (table: string) =>
    (await client.query(`SELECT id::text FROM "${table}" WHERE "teamId" = $1 ORDER BY id LIMIT 1`, [teamId])).rows[0]
      .id as string;
  for (const [name, kind, value, period] of [
    ["Team monthly", "team", "", "month"],
    ["Team weekly", "team", "", "week"],
    ["One owner", "owner", await someOf("Person"), "month"],
    ["One project", "project", await someOf("Project"), "quarter"],
    ["One task", "task", await someOf("Task"), "month"],
    ["Opus", "model", "claude-opus-4-6", "day"],
  ] as const)
    await createBudget(
      cli,
      createBudgetSchema.parse({ name, scope: { kind, value: value || undefined }, period, amountUsd: 5000 }),
    );
  await client.query("ANALYZE");
}

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

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function time(repeats: number, run: () => Promise<unknown>): Promise<{ p50: number; p95: number }> {
  await run(); // warm-up: plans, connections, caches
  const samples: number[] = [];
  for (let i = 0; i < repeats; i += 1) {
    const start = performance.now();
    await run();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p95: percentile(samples, 95) };
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
    await applyMigrations(benchUrl.toString());
  }
  process.env.DATABASE_URL = benchUrl.toString();
  const client = new pg.Client({ connectionString: benchUrl.toString() });
  await client.connect();
  const started = performance.now();
  let teamId: string;
  let bigRunId: string;
  if (reuse) {
    teamId = (await client.query(`SELECT id FROM "Team" WHERE slug = 'bench'`)).rows[0].id;
    bigRunId = (await client.query(`SELECT id FROM "Run" WHERE "teamId" = $1 AND "externalId" = 'session-0'`, [teamId]))
      .rows[0].id;
  } else {
    ({ teamId, bigRunId } = await generate(client));
    log(`generated in ${((performance.now() - started) / 1000).toFixed(0)} s`);
    await perRunRollups(client, teamId);
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
