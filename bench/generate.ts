/**
 * The bench databases' data, generated with bulk SQL (INSERT ... SELECT generate_series) rather
 * than through the writer: one team's year of runs and calls ending on LAST_DAY (calls per run
 * 50-450, mean 250; one run of BIG_RUN_CALLS calls with a tool call each, a week before the last
 * day; 50 owners, 10 projects, 400 tasks, 3 models, a third of the runs accepted), the monthly
 * partitions and identity keys the writer would have made, and the rollups computed from Call with
 * GROUP BY as the writer's hold them. Shared by bench:queries and bench:scale.
 */
import { performance } from "node:perf_hooks";
import type pg from "pg";
import type { SqlClient } from "@/lib/db/columns";
import { ensureMonthPartitions, monthOf, monthStart } from "@/lib/db/partitions";
import { Prisma } from "@/lib/generated/prisma/client";

export const BIG_RUN_CALLS = 5000;
export const LAST_DAY = "2026-11-27";
export const DAYS = 360;

export function log(message: string) {
  process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${message}\n`);
}

/** The partition functions on a plain pg client. */
function pgSqlClient(client: pg.Client): SqlClient {
  const run = (query: TemplateStringsArray | Prisma.Sql, values: unknown[]) => {
    const sql = query instanceof Prisma.Sql ? query : Prisma.sql(query, ...values);
    return client.query(sql.text, sql.values);
  };
  return {
    $queryRaw: async <T>(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]) =>
      (await run(query, values)).rows as T,
    $executeRaw: async (query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]) =>
      (await run(query, values)).rowCount ?? 0,
  };
}

/** Every month a generated call can fall in (a run starts up to DAYS before LAST_DAY). */
function monthsOfData(): Date[] {
  const last = new Date(`${LAST_DAY}T00:00:00Z`);
  const first = monthOf(new Date(last.getTime() - (DAYS + 1) * 86_400_000));
  const months: Date[] = [];
  for (let i = 0; monthStart(first, i) <= last; i++) months.push(monthStart(first, i));
  return months;
}

/**
 * Drops Call's secondary indexes (on the partitioned table: every partition's): a bulk insert then
 * rebuilding them is far faster than maintaining them row by row. Returns their definitions.
 */
export async function dropCallIndexes(client: pg.Client): Promise<string[]> {
  const indexes = await client.query<{ indexname: string; indexdef: string }>(
    `SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'Call' AND indexname <> 'Call_pkey'`,
  );
  for (const index of indexes.rows) await client.query(`DROP INDEX "${index.indexname}"`);
  return indexes.rows.map((index) => index.indexdef);
}

export async function restoreIndexes(client: pg.Client, definitions: string[]): Promise<void> {
  // pg_indexes defines a partitioned table's index ON ONLY the parent: built that way, no
  // partition would get it.
  for (const definition of definitions) await client.query(definition.replace(" ON ONLY ", " ON "));
  if (definitions.length > 0) log("call indexes rebuilt");
}

export async function generateTeam(
  client: pg.Client,
  { slug, calls, rebuildIndexes = true }: { slug: string; calls: number; rebuildIndexes?: boolean },
): Promise<{ teamId: string; bigRunId: string }> {
  const runs = Math.max(1, Math.round((calls - BIG_RUN_CALLS) / 250));
  const q = (sql: string, params: unknown[] = []) => client.query(sql, params);
  const team = await q(`INSERT INTO "Team" (slug, name) VALUES ($1, $2) RETURNING id`, [slug, `Bench ${slug}`]);
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

  await ensureMonthPartitions(pgSqlClient(client), monthsOfData());
  const indexes = rebuildIndexes ? await dropCallIndexes(client) : [];
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
  await q(
    `INSERT INTO "CallKey" ("teamId", source, "callKey", "callId", timestamp) SELECT "teamId", source, "callKey", id, timestamp FROM "Call" WHERE "teamId" = $1`,
    [teamId],
  );
  log(`${slug}: calls inserted`);
  await restoreIndexes(client, indexes);
  await q(
    `
    INSERT INTO "ToolCall" ("teamId", "runId", "callId", "toolUseId", name, summary, "inputBytes", "outputBytes", "outputTokens", timestamp)
    SELECT c."teamId", c."runId", c.id, 'toolu_' || c.id, (ARRAY['Bash', 'Read', 'Edit', 'Grep'])[1 + c.id % 4], 'npm test -- ' || c.id, 120,
      200 + (c.id * 7919) % 40000, (200 + (c.id * 7919) % 40000) / 4, c.timestamp
    FROM "Call" c JOIN bench_run r ON r.id = c."runId" AND r.n = 0 WHERE c."teamId" = $1`,
    [teamId],
  );
  await q(
    `INSERT INTO "ToolCallKey" ("teamId", "runId", "toolUseId", "toolCallId", timestamp) SELECT "teamId", "runId", "toolUseId", id, timestamp FROM "ToolCall" WHERE "teamId" = $1`,
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
  const big = await q(`SELECT id FROM bench_run WHERE n = 0`);
  await q(`DROP TABLE bench_run`);
  return { teamId, bigRunId: big.rows[0].id };
}

/**
 * What the ingest's after-commit work writes per run, by the same code: findings, cost anatomy and
 * context packages (backfillRunAnatomies, as `npm start` runs it for data stored before the rollup). The generated runs have no tool calls (bar the big run), so their detectors find
 * little; two findings per run of the usual categories are added by SQL so that the Waste page has
 * a realistic number to read (~40,000). And six budgets for the Budgets page.
 */
export async function perRunRollups(client: pg.Client, teamId: string, slug: string): Promise<void> {
  const { backfillRunAnatomies } = await import("@/lib/rollups/rebuild");
  const { createBudget } = await import("@/lib/budgets/budgets");
  const { createBudgetSchema } = await import("@/lib/budgets/budget-input");
  const started = performance.now();
  const { runs } = await backfillRunAnatomies();
  log(
    `findings, cost anatomy and context packages of ${runs} runs in ${((performance.now() - started) / 1000).toFixed(0)} s`,
  );
  await client.query(
    `
    INSERT INTO "Finding" ("teamId", "runId", category, "wastedTokens", "wastedUsd", "callIds", explanation, day)
    SELECT r."teamId", r.id, (ARRAY['cache-miss', 'repeated-tool-output', 'oversized-tool-output', 'retry', 'context-growth'])[1 + (k + hashtext(r.id::text) % 5 + 5) % 5],
      1000 * k + 500, r."costUsd" * 0.03 * k, ARRAY[(SELECT c.id FROM "Call" c WHERE c."teamId" = r."teamId" AND c."runId" = r.id ORDER BY c.timestamp, c.id LIMIT 1)],
      'bench finding', (r."startedAt" AT TIME ZONE 'UTC')::date
    FROM "Run" r, generate_series(1, 2) k WHERE r."teamId" = $1`,
    [teamId],
  );
  const cli = { teamId, teamSlug: slug, teamName: `Bench ${slug}`, actor: { kind: "cli" as const, osUser: "bench" } };
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

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export async function time(repeats: number, run: () => Promise<unknown>): Promise<{ p50: number; p95: number }> {
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
