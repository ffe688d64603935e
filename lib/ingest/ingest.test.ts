/**
 * The ingest path end to end on the real Postgres server: fixture totals through the writer and
 * the spend query, idempotency, any split of a file, overlapping uploads, bad input, and a crash
 * in the middle of an import. (The embedded database runs the same core checks in
 * ingest-embedded.test.ts.)
 */
import { spawn } from "node:child_process";
import { createReadStream, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import type { Scope } from "@/lib/auth/scope";
import { closeDb, db } from "@/lib/db/client";
import { table } from "@/lib/db/tables";
import { spendByGroup } from "@/lib/queries/spend-by-group";
import { createTestTeam, userScope } from "@/lib/testing/fixtures";
import { fuzzIngest } from "@/lib/testing/fuzz-ingest";
import { expectedFixtureTotals, ingestFixtureFolder, wholeRange } from "@/lib/testing/ingest-fixtures";
import { ingestFile } from "./ingest-file";
import { assistantLine, userToolResultLine } from "./parsers/__fixtures__/trace-lines";
import { IngestInputError } from "./trace-body";

const Call = table("Call");
const DailySpendTable = table("DailySpend");
const IngestBatch = table("IngestBatch");
const Run = table("Run");
const RunDaySpendTable = table("RunDaySpend");

afterAll(closeDb);

async function freshScope(): Promise<Scope> {
  return userScope(await createTestTeam("ingest"));
}

const bytesOf = (text: string | Buffer) => ({
  bytes: (async function* () {
    yield Buffer.from(text);
  })(),
  gzip: false,
});

describe("fixture totals through the writer and the spend query", () => {
  for (const [folder, expected] of Object.entries(expectedFixtureTotals)) {
    it(`${folder} gives SOURCES.md's totals, and a second import changes nothing`, async () => {
      const scope = await freshScope();
      const first = await ingestFixtureFolder(scope, folder);
      if (expected.calls !== null) expect(first.calls).toBe(expected.calls);
      expect(first.errors).toEqual([]);
      const { totals } = await spendByGroup(scope, { ...wholeRange, groupBy: "day" });
      expect(totals).toMatchObject({
        calls: first.calls,
        inputTokens: expected.inputTokens,
        outputTokens: expected.outputTokens,
        cacheWriteTokens: expected.cacheWriteTokens,
        cacheReadTokens: expected.cacheReadTokens,
      });
      // SOURCES.md gives dollars to 1e-6.
      expect(Math.abs(totals.costUsd - expected.costUsd)).toBeLessThanOrEqual(1e-6);

      const second = await ingestFixtureFolder(scope, folder);
      expect(second.calls).toBe(0);
      expect(second.duplicates).toBe(first.calls);
      expect((await spendByGroup(scope, { ...wholeRange, groupBy: "day" })).totals).toEqual(totals);
    });
  }

  it("keeps run totals, RunDaySpend and DailySpend in step", async () => {
    const scope = await freshScope();
    await ingestFixtureFolder(scope, "spotter/test/fixtures/transcripts");
    const [sums] = await db().$queryRaw<{ runs: number; runDays: number; daily: number; calls: number }[]>`
      SELECT (SELECT sum(${Run.costUsd})::float8 FROM ${Run.$} WHERE ${Run.teamId} = ${scope.teamId}::uuid) AS runs,
             (SELECT sum(${Run.costUsd})::float8 FROM ${RunDaySpendTable.$} WHERE ${Run.teamId} = ${scope.teamId}::uuid) AS "runDays",
             (SELECT sum(${Run.costUsd})::float8 FROM ${DailySpendTable.$} WHERE ${Run.teamId} = ${scope.teamId}::uuid) AS daily,
             (SELECT sum(${Run.costUsd})::float8 FROM ${Call.$} WHERE ${Run.teamId} = ${scope.teamId}::uuid) AS calls`;
    expect(sums!.runs).toBe(sums!.calls);
    expect(sums!.runDays).toBe(sums!.calls);
    expect(sums!.daily).toBe(sums!.calls);
  });
});

describe("any split of a file, in order, gives the same totals", () => {
  const file = path.join("fixtures/real/spotter/test/fixtures/transcripts", "tool_heavy.jsonl");
  const lines = readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line !== "");

  it("for every set of cut points (pushes of new lines)", async () => {
    const whole = await freshScope();
    await ingestFile(whole, {
      format: "claude-code",
      fileName: "tool_heavy.jsonl",
      body: bytesOf(`${lines.join("\n")}\n`),
    });
    const expected = (await spendByGroup(whole, { ...wholeRange, groupBy: "day" })).totals;
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.integer({ min: 1, max: lines.length - 1 }), { maxLength: 6 }),
        async (cuts) => {
          const scope = await freshScope();
          const bounds = [0, ...cuts.sort((a, b) => a - b), lines.length];
          for (let i = 0; i + 1 < bounds.length; i += 1) {
            const piece = `${lines.slice(bounds[i], bounds[i + 1]).join("\n")}\n`;
            await ingestFile(scope, { format: "claude-code", fileName: "tool_heavy.jsonl", body: bytesOf(piece) });
          }
          expect((await spendByGroup(scope, { ...wholeRange, groupBy: "day" })).totals).toEqual(expected);
        },
      ),
      { numRuns: 8 },
    );
  });

  it("replaces a streamed response's placeholder output with its final count, moving the rollups by the difference", async () => {
    const scope = await freshScope();
    const early = assistantLine({ messageId: "msg_s", requestId: "req_s", input: 100, cacheRead: 1000, output: 2 });
    const final = assistantLine({ messageId: "msg_s", requestId: "req_s", input: 100, cacheRead: 1000, output: 400 });
    const first = await ingestFile(scope, { format: "claude-code", fileName: "s.jsonl", body: bytesOf(`${early}\n`) });
    const second = await ingestFile(scope, { format: "claude-code", fileName: "s.jsonl", body: bytesOf(`${final}\n`) });
    const third = await ingestFile(scope, { format: "claude-code", fileName: "s.jsonl", body: bytesOf(`${early}\n`) });
    expect([first.calls, second.calls, third.calls, third.duplicates]).toEqual([1, 1, 0, 1]);
    const { totals } = await spendByGroup(scope, { ...wholeRange, groupBy: "model" });
    expect(totals).toMatchObject({ calls: 1, inputTokens: 100, cacheReadTokens: 1000, outputTokens: 400 });
    // sonnet 4.5: 100 x $3 + 1000 x $0.30 + 400 x $15 per million
    expect(totals.costUsd).toBeCloseTo((100 * 3 + 1000 * 0.3 + 400 * 15) / 1e6, 12);
  });
});

describe("work references", () => {
  it("records the pull request and commit a run produced and marks it proposed", async () => {
    const scope = await freshScope();
    const text = [
      assistantLine({
        messageId: "m1",
        requestId: "r1",
        content: [
          { type: "tool_use", id: "tu1", name: "Bash", input: { command: "git commit -m fix && gh pr create --fill" } },
        ],
      }),
      userToolResultLine("tu1", "[fix-cache 9c1d2e3] Fix cache\nhttps://github.com/acme/api/pull/7\n"),
      assistantLine({ messageId: "m2", requestId: "r2" }),
    ].join("\n");
    await ingestFile(scope, { format: "claude-code", fileName: "session-1.jsonl", body: bytesOf(text) });
    const run = await db().run.findFirstOrThrow({ where: { teamId: scope.teamId } });
    expect(run.outcome).toBe("PROPOSED");
    const references = await db().runReference.findMany({ where: { teamId: scope.teamId }, orderBy: { kind: "asc" } });
    expect(references.map((r) => [r.kind, r.value])).toEqual([
      ["branch", "fix-cache"],
      ["commit", "9c1d2e3"],
      ["pr-url", "https://github.com/acme/api/pull/7"],
    ]);
    const tool = await db().toolCall.findFirstOrThrow({ where: { teamId: scope.teamId, toolUseId: "tu1" } });
    expect(tool).toMatchObject({ name: "Bash", summary: "git commit -m fix && gh pr create --fill" });
    expect(tool.callId).not.toBeNull();
  });
});

describe("bad input", () => {
  it("stores the good lines and reports each bad one with its line number", async () => {
    const scope = await freshScope();
    const text = [
      assistantLine({ messageId: "m1", requestId: "r1" }),
      "{not json",
      assistantLine({ messageId: "m2", requestId: "r2" }),
      '{"type":"assistant","message":',
    ].join("\n");
    const result = await ingestFile(scope, { format: "claude-code", fileName: "bad.jsonl", body: bytesOf(text) });
    expect(result.calls).toBe(2);
    expect(result.errors.map((e) => e.line)).toEqual([2, 4]);
    expect(result.errors[0]).toMatchObject({ file: "bad.jsonl" });
    const batch = await db().ingestBatch.findFirstOrThrow({ where: { teamId: scope.teamId, id: result.batchId } });
    expect(batch).toMatchObject({ status: "COMPLETE", calls: 2, errorCount: 2 });
  });

  it("refuses a file of another format, naming what was expected", async () => {
    const scope = await freshScope();
    const attempt = ingestFile(scope, {
      format: "auto",
      fileName: "notes.jsonl",
      body: bytesOf('{"hello":"world"}\n'),
    });
    await expect(attempt).rejects.toThrow(IngestInputError);
    await expect(
      ingestFile(scope, { format: "auto", fileName: "notes.jsonl", body: bytesOf('{"hello":"world"}\n') }),
    ).rejects.toThrow(/no Claude Code, Codex, OTLP or native records found in notes\.jsonl; expected/);
    const codex = readFileSync(
      path.join(
        "fixtures/real/localpush/src-tauri/tests/fixtures/codex/2026-02-23/raw/sessions",
        "rollout-2026-02-23T13-19-38-019c8a70-dda7-7f33-98ea-f30553347322.jsonl",
      ),
    );
    await expect(
      ingestFile(scope, { format: "claude-code", fileName: "x.jsonl", body: bytesOf(codex) }),
    ).rejects.toThrow(/looks like codex, not claude-code/);
  });

  it("refuses a gzip bomb before it is inflated", async () => {
    const scope = await freshScope();
    const bomb = gzipSync(Buffer.concat([Buffer.from(`${assistantLine()}\n`), Buffer.alloc(64 * 1024 * 1024, 0x20)]));
    const attempt = ingestFile(scope, {
      format: "claude-code",
      fileName: "bomb.jsonl.gz",
      body: {
        bytes: (async function* () {
          yield bomb;
        })(),
        gzip: true,
      },
    });
    await expect(attempt).rejects.toMatchObject({ status: 413 });
  });
});

describe("fuzzed input", () => {
  it("keeps every valid call once and never throws, whatever lines surround it", async () => {
    await fuzzIngest(freshScope);
  });
});

describe("concurrency and crashes", () => {
  it("never counts a call twice when overlapping uploads run at once", async () => {
    const scope = await freshScope();
    const folder = "fixtures/real/sniffly/tests/mock-data/-Users-chip-dev-ai-music";
    const file = path.join(folder, "ba79134d-b6e9-4867-af0c-6941038c9e4b.jsonl");
    const upload = () =>
      ingestFile(scope, {
        format: "claude-code",
        fileName: "ba79134d-b6e9-4867-af0c-6941038c9e4b.jsonl",
        body: { bytes: createReadStream(file), gzip: false },
      });
    const results = await Promise.all([upload(), upload(), upload()]);
    const stored = results.reduce((sum, r) => sum + r.calls, 0);
    const { totals } = await spendByGroup(scope, { ...wholeRange, groupBy: "day" });
    expect(totals.calls).toBe(stored);
    expect(results.reduce((sum, r) => sum + r.duplicates, 0)).toBe(2 * stored);
  });

  it("a killed import leaves whole chunks only, and running it again completes it exactly", async () => {
    const team = await createTestTeam("crash");
    const dir = mkdtempSync(path.join(tmpdir(), "trh-crash-"));
    const calls = 9000; // several writer chunks
    const lines = Array.from({ length: calls }, (_, i) =>
      assistantLine({
        messageId: `msg_${i}`,
        requestId: `req_${i}`,
        input: 10 + (i % 7),
        output: 20,
        cacheRead: 1000 + i,
        timestamp: new Date(Date.UTC(2026, 1, 1 + (i % 20), 10)).toISOString(),
      }),
    );
    writeFileSync(path.join(dir, "big.jsonl"), `${lines.join("\n")}\n`);
    const cli = (signalAfterFirstChunk: boolean) =>
      new Promise<number | null>((resolve) => {
        const child = spawn(process.execPath, ["bin/trh.mjs", "import", dir, "--team", team.slug, "--json"], {
          env: process.env,
          stdio: "ignore",
        });
        let timer: NodeJS.Timeout | undefined;
        if (signalAfterFirstChunk) {
          timer = setInterval(async () => {
            const [row] = await db().$queryRaw<
              { n: number }[]
            >`SELECT count(*)::int AS n FROM ${Call.$} WHERE ${Call.teamId} = ${team.teamId}::uuid`;
            if (row!.n > 0) child.kill("SIGKILL");
          }, 20);
        }
        child.on("exit", (code) => {
          clearInterval(timer);
          resolve(code);
        });
      });
    await cli(true);
    const [partial] = await db().$queryRaw<{ n: number; batches: number }[]>`
      SELECT (SELECT count(*)::int FROM ${Call.$} WHERE ${Call.teamId} = ${team.teamId}::uuid) AS n,
             (SELECT count(*)::int FROM ${IngestBatch.$} WHERE ${Call.teamId} = ${team.teamId}::uuid AND ${IngestBatch.status} = 'RUNNING') AS batches`;
    expect(partial!.n % 2000 === 0 || partial!.n === calls).toBe(true); // whole chunks only
    expect(await cli(false)).toBe(0);
    const scope = userScope(team);
    const { totals } = await spendByGroup(scope, { ...wholeRange, groupBy: "day" });
    expect(totals.calls).toBe(calls);
    expect(totals.cacheReadTokens).toBe(lines.reduce((sum, _, i) => sum + 1000 + i, 0));
  });
});
