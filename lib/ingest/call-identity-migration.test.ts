/**
 * Upgrading a database across the call_identity_per_session migration (issue 17): a database
 * built at the migrations before it holds what the old writer stored (native keys unique per team,
 * so a second session's colliding keys were dropped; /btw copies stored beside their original).
 * After the upgrade every stored call keeps its place and its totals; sending the original uploads
 * again stores the calls the old identity lost, retracts the replays, and a further time nothing.
 */
import { randomBytes } from "node:crypto";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Scope } from "@/lib/auth/scope";
import { closeDb, db } from "@/lib/db/client";
import { applyMigrations } from "@/lib/db/migrate";
import { noFilters, openSchemaEngine, readMigrationList } from "@/lib/db/schema-engine";
import { table } from "@/lib/db/tables";
import { priceCall } from "@/lib/pricing/price-book";
import { analyzeTotals } from "@/lib/testing/analyze-totals";
import { databaseUrlOn, onServer, postgresServerUrl } from "@/lib/testing/postgres-server";
import { storedTotals } from "@/lib/testing/stored-totals";
import { ingestFile } from "./ingest-file";
import type { NormalizedCall, TraceEvent } from "./normalized-call";
import { parseTraceStream } from "./parsers";
import { assistantLine } from "./parsers/__fixtures__/trace-lines";
import { parseNativeStream } from "./parsers/native";

const CallTable = table("Call");

const MIGRATION = "20261130123106_call_identity_per_session";
const databaseName = `trh_upgrade_${Date.now()}_${randomBytes(3).toString("hex")}`;
const url = databaseUrlOn(postgresServerUrl, databaseName);

/** The migrations folder up to, not including, this one: the schema the old writer wrote to. */
async function migrateToPrevious(): Promise<void> {
  const parsed = new URL(url);
  const pool = new pg.Pool({
    host: parsed.hostname,
    port: Number(parsed.port || 5432),
    user: decodeURIComponent(parsed.username) || undefined,
    database: databaseName,
    max: 1,
  });
  const list = await readMigrationList();
  const engine = await openSchemaEngine(new PrismaPg(pool));
  try {
    const previous = list.migrationDirectories.filter((dir) => dir.path < MIGRATION);
    expect(previous.length).toBeGreaterThan(0);
    await engine.applyMigrations({ migrationsList: { ...list, migrationDirectories: previous }, filters: noFilters });
  } finally {
    engine.free();
    await pool.end();
  }
}

// The uploads, as a tool writing the native format and Claude Code would send them.
const nativeLine = (sessionId: string, callKey: string, inputTokens: number) =>
  JSON.stringify({
    sessionId,
    callKey,
    timestamp: "2026-03-02T10:00:00Z",
    model: "claude-sonnet-4-5",
    inputTokens,
    outputTokens: 20,
    cacheReadTokens: 1000,
  });
const keys = ["a0", "a1", "a2", "a3"];
const toolA = keys.map((key) => nativeLine("run-a", key, 100));
const toolB = keys.map((key, index) => nativeLine("run-b", key, 1000 + index));
const session = "5a0c2a10-0000-4000-8000-00000000beef";
const mainFile = `-home-dev-repo/${session}.jsonl`;
const agentFile = `-home-dev-repo/${session}/subagents/agent-q1.jsonl`;
const mainLines = [
  assistantLine({
    sessionId: session,
    messageId: "msg_up_main",
    requestId: "req_up_main",
    input: 900,
    cacheRead: 30_000,
    output: 250,
  }),
  assistantLine({
    sessionId: session,
    messageId: "msg_up_next",
    requestId: "req_up_next",
    input: 40,
    cacheRead: 31_000,
    output: 60,
  }),
  // Rule 4: no message id, counted per line; the old writer keyed these lines by file name.
  assistantLine({
    sessionId: session,
    messageId: null,
    requestId: "req_up_old",
    uuid: "up-line-1",
    input: 7,
    output: 11,
  }),
  assistantLine({
    sessionId: session,
    messageId: null,
    requestId: "req_up_old",
    uuid: "up-line-2",
    input: 8,
    output: 12,
  }),
];
const agentLines = [
  assistantLine({
    sessionId: session,
    messageId: "msg_up_main",
    requestId: "req_up_btw",
    isSidechain: true,
    agentId: "q1",
    input: 900,
    cacheRead: 30_000,
    output: 250,
  }),
  assistantLine({
    sessionId: session,
    messageId: "msg_up_agent",
    requestId: "req_up_agent",
    isSidechain: true,
    agentId: "q1",
    input: 300,
    cacheWrite5m: 2000,
    output: 70,
  }),
];

async function callsOf(events: AsyncIterable<TraceEvent>): Promise<NormalizedCall[]> {
  const calls: NormalizedCall[] = [];
  for await (const event of events) if (event.kind === "call") calls.push(event.call);
  return calls;
}
const textSource = (lines: string[]) => [Buffer.from(`${lines.join("\n")}\n`)];

/**
 * What the writer before this migration stored for these uploads, in this order: one row per
 * (team, source, key), the first arrival winning (ON CONFLICT DO NOTHING), native keys as sent,
 * Claude Code keyed by request id (lines without message id by file name and uuid), no message
 * ids; run totals and both rollups summed from them.
 */
async function storeAsTheOldWriterDid(
  client: pg.Client,
  teamId: string,
  calls: { call: NormalizedCall; fileName: string }[],
): Promise<void> {
  for (const { call, fileName } of calls) {
    const lineUuid = call.callKey.slice(`line:${call.sessionId}:`.length);
    const key =
      call.source !== "claude-code"
        ? call.callKey
        : call.messageId === null
          ? `line:${fileName}:${lineUuid}`
          : call.requestId
            ? `req:${call.requestId}`
            : call.callKey;
    const price = priceCall(call, []);
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO "Run" ("teamId", source, "externalId", "startedAt", "endedAt", models) VALUES ($1, $2, $3, $4, $4, ARRAY[$5])
       ON CONFLICT ("teamId", source, "externalId") DO UPDATE SET "endedAt" = greatest("Run"."endedAt", excluded."endedAt") RETURNING id`,
      [teamId, call.source, call.sessionId, call.timestamp, call.model],
    );
    await client.query(
      `INSERT INTO "Call" ("teamId", "runId", source, "callKey", "agentId", "isSidechain", timestamp, model, "uncachedInput", "cacheRead", "cacheWrite5m",
         "cacheWrite1h", output, reasoning, "contextTokens", "costUsd", priced, "priceRule", "requestId")
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19) ON CONFLICT ("teamId", source, "callKey") DO NOTHING`,
      [
        teamId,
        rows[0]!.id,
        call.source,
        key,
        call.agentId,
        call.isSidechain,
        call.timestamp,
        call.model,
        call.uncachedInput,
        call.cacheRead,
        call.cacheWrite5m,
        call.cacheWrite1h,
        call.output,
        call.reasoning,
        call.uncachedInput + call.cacheRead + call.cacheWrite5m + call.cacheWrite1h,
        price.costUsd.toFixed(12),
        price.priced,
        price.rule,
        call.requestId,
      ],
    );
  }
  await client.query(
    `UPDATE "Run" r SET calls = s.calls, "inputTokens" = s.input, "outputTokens" = s.output, "cacheWriteTokens" = s.write, "cacheReadTokens" = s.read, "costUsd" = s.cost
     FROM (SELECT "runId", count(*) AS calls, sum("uncachedInput") AS input, sum(output) AS output, sum("cacheWrite5m" + "cacheWrite1h") AS write,
             sum("cacheRead") AS read, sum("costUsd") AS cost FROM "Call" WHERE "teamId" = $1 GROUP BY 1) s
     WHERE r."teamId" = $1 AND r.id = s."runId"`,
    [teamId],
  );
  await client.query(
    `INSERT INTO "RunDaySpend" ("teamId", "runId", day, model, calls, "inputTokens", "outputTokens", "cacheWriteTokens", "cacheReadTokens", "costUsd")
     SELECT "teamId", "runId", (timestamp AT TIME ZONE 'UTC')::date, model, count(*), sum("uncachedInput"), sum(output), sum("cacheWrite5m" + "cacheWrite1h"), sum("cacheRead"), sum("costUsd")
     FROM "Call" WHERE "teamId" = $1 GROUP BY 1, 2, 3, 4`,
    [teamId],
  );
  await client.query(
    `INSERT INTO "DailySpend" ("teamId", day, model, calls, "inputTokens", "outputTokens", "cacheWriteTokens", "cacheReadTokens", "costUsd")
     SELECT "teamId", day, model, sum(calls), sum("inputTokens"), sum("outputTokens"), sum("cacheWriteTokens"), sum("cacheReadTokens"), sum("costUsd")
     FROM "RunDaySpend" WHERE "teamId" = $1 GROUP BY 1, 2, 3`,
    [teamId],
  );
}

const teams: { id: string; slug: string; claudeOrder: "agent first" | "main first" }[] = [];

beforeAll(async () => {
  await onServer(`CREATE DATABASE ${databaseName}`);
  await migrateToPrevious();
  const from = (fileName: string) => (calls: NormalizedCall[]) => calls.map((call) => ({ call, fileName }));
  const nativeA = from("tool-a.jsonl")(await callsOf(parseNativeStream(textSource(toolA), "tool-a.jsonl")));
  const nativeB = from("tool-b.jsonl")(await callsOf(parseNativeStream(textSource(toolB), "tool-b.jsonl")));
  const main = from(mainFile)(await callsOf(parseTraceStream("claude-code", textSource(mainLines), mainFile)));
  const agent = from(agentFile)(await callsOf(parseTraceStream("claude-code", textSource(agentLines), agentFile)));
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  // Two teams with the same keys: the migration must keep teams apart too.
  for (const claudeOrder of ["agent first", "main first"] as const) {
    const slug = `upgrade-${teams.length}`;
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO "Team" (slug, name) VALUES ($1, $1) RETURNING id`,
      [slug],
    );
    teams.push({ id: rows[0]!.id, slug, claudeOrder });
    await storeAsTheOldWriterDid(client, rows[0]!.id, [...nativeA, ...nativeB, ...main, ...agent]);
  }
  await client.end();
  await closeDb();
  vi.stubEnv("DATABASE_URL", url);
});

afterAll(async () => {
  await closeDb();
  vi.unstubAllEnvs();
  await onServer(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
});

describe("the call_identity_per_session migration", () => {
  it("keeps every stored call and total, then lets re-sent uploads complete the data exactly once", async () => {
    const before = await Promise.all(teams.map((team) => storedTotals(team.id)));
    // The old identity lost run-b's four calls to run-a's keys and kept the /btw copy.
    expect(before[0]!.call).toMatchObject({ calls: 4 + 6 });

    expect(await applyMigrations(url)).toContain(MIGRATION);
    const after = await Promise.all(teams.map((team) => storedTotals(team.id)));
    expect(after).toEqual(before);
    const nativeKeys = await db().$queryRaw<{ teamId: string; callKey: string }[]>`
      SELECT ${CallTable.teamId}::text, ${CallTable.callKey} FROM ${CallTable.$} WHERE ${CallTable.source} = 'native' ORDER BY ${CallTable.teamId}, ${CallTable.callKey}`;
    const lineKeys = await db().$queryRaw<
      { callKey: string }[]
    >`SELECT ${CallTable.callKey} FROM ${CallTable.$} WHERE ${CallTable.callKey} LIKE 'line:%' ORDER BY 1`;
    expect(lineKeys.map((row) => row.callKey)).toEqual([
      `line:${session}:up-line-1`,
      `line:${session}:up-line-1`,
      `line:${session}:up-line-2`,
      `line:${session}:up-line-2`,
    ]);
    for (const team of teams) {
      expect(nativeKeys.filter((row) => row.teamId === team.id).map((row) => row.callKey)).toEqual(
        keys.map((key) => `5:run-a:${key}`),
      );
    }

    const expectedClaude = await analyzeTotals({ [mainFile]: mainLines, [agentFile]: agentLines });
    expect(expectedClaude.calls).toBe(5);
    for (const team of teams) {
      const scope: Scope = {
        teamId: team.id,
        teamSlug: team.slug,
        teamName: team.slug,
        actor: { kind: "cli", osUser: "test" },
      };
      const send = (fileName: string, lines: string[], format: "native" | "claude-code") =>
        ingestFile(scope, { format, fileName, body: { bytes: textSource(lines), gzip: false } });
      const a = await send("tool-a.jsonl", toolA, "native");
      const b = await send("tool-b.jsonl", toolB, "native");
      expect([a.calls, a.duplicates, b.calls, b.duplicates]).toEqual([0, 4, 4, 0]);
      // The main file comes back under another name too: the upload page's `projects/...` path.
      const arrivals =
        team.claudeOrder === "agent first"
          ? ([
              [agentFile, agentLines],
              [mainFile, mainLines],
            ] as const)
          : ([
              [`projects/${mainFile}`, mainLines],
              [agentFile, agentLines],
            ] as const);
      for (const [fileName, lines] of arrivals) await send(fileName, lines, "claude-code");

      const bySource = await db().$queryRaw<
        { source: string; calls: number; input: number; read: number; output: number; cost: number }[]
      >`
        SELECT ${CallTable.source}, count(*)::int AS calls, sum(${CallTable.uncachedInput})::int AS input, sum(${CallTable.cacheRead})::int AS read, sum(${CallTable.output})::int AS output, sum(${CallTable.costUsd})::float8 AS cost
        FROM ${CallTable.$} WHERE ${CallTable.teamId} = ${team.id}::uuid GROUP BY ${CallTable.source} ORDER BY ${CallTable.source}`;
      const [claude, native] = bySource;
      expect(native).toMatchObject({ source: "native", calls: 8, input: 4 * 100 + 1000 + 1001 + 1002 + 1003 });
      const runB = await db().run.findFirstOrThrow({ where: { teamId: team.id, externalId: "run-b" } });
      expect([runB.calls, Number(runB.inputTokens)]).toEqual([4, 4006]);
      // The Claude Code part equals trh analyze: the /btw copy is gone.
      expect(claude).toMatchObject({
        source: "claude-code",
        calls: expectedClaude.calls,
        input: expectedClaude.inputTokens,
        read: expectedClaude.cacheReadTokens,
        output: expectedClaude.outputTokens,
      });
      expect(Math.abs(claude!.cost - expectedClaude.costUsd)).toBeLessThan(1e-9);

      // Every layer agrees with the calls.
      const layers = await storedTotals(team.id);
      for (const layer of Object.values(layers)) {
        expect({ ...layer, costUsd: 0 }).toEqual({ ...layers.call, costUsd: 0 });
        expect(Math.abs(layer.costUsd - layers.call.costUsd)).toBeLessThan(1e-9);
      }
      expect(layers.call.calls).toBe(8 + 5);

      // Idempotent: everything again stores nothing and changes nothing.
      const again = await Promise.all([
        send("tool-a.jsonl", toolA, "native"),
        send("tool-b.jsonl", toolB, "native"),
        send(mainFile, mainLines, "claude-code"),
      ]);
      expect(again.map((result) => result.calls)).toEqual([0, 0, 0]);
      expect(await storedTotals(team.id)).toEqual(layers);
    }
    expect(await applyMigrations(url)).toEqual([]);
  });
});
