/**
 * Codex resumed and forked sessions (issue 10, point 6) on fixtures/crafted/codex-fork (built to
 * match Codex's rollout recorder, see its README): the fork's copy of its parent's history counts
 * once, in `trh analyze` and in the database alike, whatever the order the files arrive in.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { analyzeFiles } from "@/lib/analyze/analyze-files";
import { findTraceFiles } from "@/lib/analyze/trace-files";
import { closeDb, db } from "@/lib/db/client";
import { spendByGroup } from "@/lib/queries/spend-by-group";
import { createTestTeam, userScope } from "@/lib/testing/fixtures";
import { wholeRange } from "@/lib/testing/ingest-fixtures";
import { ingestFile } from "./ingest-file";
import { callsOf, collect } from "./parsers/__fixtures__/trace-lines";
import { parseCodex } from "./parsers/codex";

const root = path.resolve("fixtures/crafted/codex-fork/sessions");
const PARENT = "019c7a10-5e2b-7c41-9a7e-2f0c1d3b4a51";
const FORK = "019c7f3b-8d14-7a02-b6c9-41e5a7d2c083";
const parentFile = `2026/02/20/rollout-2026-02-20T09-00-00-${PARENT}.jsonl`;
const forkFile = `2026/02/21/rollout-2026-02-21T10-00-00-${FORK}.jsonl`;
const read = (file: string) => readFileSync(path.join(root, file));

/** The README's figures: 5 distinct calls. */
const expected = { calls: 5, inputTokens: 30_000, cacheReadTokens: 37_500, outputTokens: 1_750, cacheWriteTokens: 0 };

afterAll(closeDb);

describe("Codex forks and resumes: the parser", () => {
  it("skips the parent's copied history in a fork, keeps the fork's own call in the fork's run, keyed by the lineage", async () => {
    for (const withDetails of [false, true]) {
      const events = await collect(parseCodex([read(forkFile)], forkFile, { withDetails }));
      expect(
        callsOf(events).map((call) => [
          call.sessionId,
          call.callKey,
          call.timestamp.toISOString(),
          call.uncachedInput,
          call.cacheRead,
          call.output,
        ]),
      ).toEqual([[FORK, `${PARENT}:39600`, "2026-02-21T10:02:21.410Z", 700, 12_800, 600]]);
      expect(events.filter((event) => event.kind === "error")).toEqual([]);
      if (withDetails) {
        // The parent's session details and first prompt stay the parent's.
        const sessions = events.filter((event) => event.kind === "session");
        expect(sessions.map((event) => event.kind === "session" && [event.sessionId, event.title])).toEqual([
          [FORK, null],
          [FORK, "Try a coupon service instead"],
        ]);
      }
    }
  });

  it("counts a resumed session's appended turns once, with the session's own keys", async () => {
    const calls = callsOf(await collect(parseCodex([read(parentFile)], parentFile)));
    expect(calls.map((call) => [call.sessionId, call.callKey, call.timestamp.toISOString().slice(0, 10)])).toEqual([
      [PARENT, `${PARENT}:12300`, "2026-02-20"],
      [PARENT, `${PARENT}:25500`, "2026-02-20"],
      [PARENT, `${PARENT}:39900`, "2026-02-20"],
      [PARENT, `${PARENT}:55150`, "2026-02-22"],
    ]);
  });

  it("a burst cut short (a stalled disk) still counts the copied calls once: they keep the parent's keys", async () => {
    // Stretch the copy so it ends after the first copied token_count: the second one is taken for the fork's own.
    const lines = read(forkFile).toString("utf8").trimEnd().split("\n");
    const stalled = lines.map((line) => {
      const entry = JSON.parse(line) as {
        timestamp: string;
        payload: { type?: string; info?: { total_token_usage?: { total_tokens: number } } };
      };
      if (entry.payload.info?.total_token_usage?.total_tokens === 25_500) entry.timestamp = "2026-02-21T10:00:05.000Z";
      return JSON.stringify(entry);
    });
    const calls = callsOf(await collect(parseCodex([`${stalled.join("\n")}\n`], forkFile)));
    expect(calls.map((call) => call.callKey)).toEqual([`${PARENT}:25500`, `${PARENT}:39600`]);
  });
});

describe("Codex forks and resumes: analyze and the database agree", () => {
  it("trh analyze counts each call once", async () => {
    const { files } = await findTraceFiles([root]);
    expect(files).toHaveLength(2);
    const report = await analyzeFiles(files, { threads: 0 });
    expect(report.totals).toMatchObject(expected);
    expect(report.days.map((day) => [day.date, day.calls])).toEqual([
      ["2026-02-20", 3],
      ["2026-02-21", 1],
      ["2026-02-22", 1],
    ]);
    expect(Object.fromEntries(report.sessions.map((session) => [session.sessionId, session.calls]))).toEqual({
      [PARENT]: 4,
      [FORK]: 1,
    });
  });

  for (const order of [
    [parentFile, forkFile],
    [forkFile, parentFile],
  ]) {
    it(`import stores the same totals as analyze, ${order[0] === forkFile ? "fork first" : "parent first"}`, async () => {
      const team = await createTestTeam("codex-fork");
      const scope = userScope(team);
      for (const file of order) {
        await ingestFile(scope, { format: "auto", fileName: file, body: { bytes: [read(file)], gzip: false } });
      }
      const { totals } = await spendByGroup(scope, { ...wholeRange, groupBy: "day" });
      const { files } = await findTraceFiles([root]);
      const report = await analyzeFiles(files, { threads: 0 });
      expect(totals).toMatchObject(expected);
      expect(totals.costUsd).toBeCloseTo(report.totals.costUsd, 9);
      const runs = await db().run.findMany({
        where: { teamId: team.teamId },
        select: { externalId: true, calls: true },
      });
      expect(Object.fromEntries(runs.map((run) => [run.externalId, run.calls]))).toEqual({ [PARENT]: 4, [FORK]: 1 });
      const byDay = await spendByGroup(scope, { ...wholeRange, groupBy: "day" });
      expect(byDay.rows.map((row) => [row.key, row.calls])).toEqual([
        ["2026-02-20", 3],
        ["2026-02-21", 1],
        ["2026-02-22", 1],
      ]);
    });
  }
});
