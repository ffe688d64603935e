/**
 * The server's ingest requests answer once their batch has committed and queue its findings
 * (after-commit-queue.ts), on the real Postgres server: a read right after the answer sees the
 * same findings, cost anatomy and context packages as an ingest that awaited them, and the
 * queue, once settled, leaves exactly what the awaited path stores.
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as postFiles } from "@/app/api/v1/ingest/files/route";
import { GET as getWaste } from "@/app/api/v1/waste/route";
import { findTraceFiles } from "@/lib/analyze/trace-files";
import { backgroundSettled } from "@/lib/db/background";
import { closeDb, db } from "@/lib/db/client";
import { table } from "@/lib/db/tables";
import { createTestTeam, type TestTeam, userScope } from "@/lib/testing/fixtures";
import { fixturesRoot, wholeRange } from "@/lib/testing/ingest-fixtures";
import { latestRecomputeJob } from "@/lib/waste/recompute-job";
import {
  afterCommitSettled,
  PASS_INTERVAL_MS,
  queueAfterCommit,
  resumeInterruptedAfterCommit,
} from "./after-commit-queue";
import { fileFrame } from "./file-frames";
import { ingestFiles } from "./ingest-files";

const RunContextPackage = table("RunContextPackage");
const RunCostAnatomy = table("RunCostAnatomy");
const f = table("Finding", "f");
const r = table("Run", "r");

let queued: TestTeam;
let awaited: TestTeam;
let body: Buffer;

beforeAll(async () => {
  [queued, awaited] = await Promise.all([createTestTeam("queued"), createTestTeam("awaited")]);
  const frames: Buffer[] = [];
  for (const folder of ["spotter/test/fixtures/transcripts", "sniffly", "claude-code-viewer"]) {
    const { files } = await findTraceFiles([path.join(fixturesRoot, folder)]);
    for (const file of files)
      frames.push(fileFrame({ file: file.fileName, format: file.format }, readFileSync(file.absolutePath)));
  }
  body = Buffer.concat(frames);
});
afterAll(closeDb);

/** What the after-commit work stored for a team, by run (its session id) so two teams compare. */
const stored = async (teamId: string) => ({
  findings: await db().$queryRaw<unknown[]>`
    SELECT ${r.externalId}, ${f.category}, ${f.wastedUsd}::text, ${f.wastedTokens}::text, ${f.explanation}
    FROM ${f.$} JOIN ${r.$} ON ${r.id} = ${f.runId}
    WHERE ${f.teamId} = ${teamId}::uuid ORDER BY 1, 2, 3, 5`,
  anatomies: await db().$queryRaw<{ runs: number }[]>`
    SELECT count(*)::int AS runs FROM ${RunCostAnatomy.$} WHERE ${RunCostAnatomy.teamId} = ${teamId}::uuid`,
  packages: await db().$queryRaw<{ runs: number }[]>`
    SELECT count(*)::int AS runs FROM ${RunContextPackage.$} WHERE ${RunContextPackage.teamId} = ${teamId}::uuid`,
});

/** The fixtures' body sent to the server's upload route with the team's ingest key (its findings queued). */
const postBody = (team: TestTeam) =>
  postFiles(
    new Request("http://test/api/v1/ingest/files", {
      method: "POST",
      body: new Uint8Array(body),
      headers: { authorization: `Bearer ${team.ingestKey}` },
    }),
    undefined as never,
  );

const waste = async (team: TestTeam) => {
  const url = `http://test/api/v1/waste?from=${wholeRange.from}&to=${wholeRange.to}&groupBy=category`;
  const response = await getWaste(
    new Request(url, { headers: { authorization: `Bearer ${team.readKey}` } }),
    undefined as never,
  );
  expect(response.status).toBe(200);
  return response.json();
};

describe("the findings of a server ingest", () => {
  it("are queued, seen by the next read, and the same as when the ingest awaits them", async () => {
    await ingestFiles(userScope(awaited), { bytes: [body], gzip: false });
    const response = await postBody(queued);
    expect(response.status).toBe(200);
    expect((await response.json()).calls).toBeGreaterThan(0);
    // The read API waits for the team's queued work (lib/auth/scope.ts): no pause needed here.
    const [fromQueued, fromAwaited] = [await waste(queued), await waste(awaited)];
    expect(fromAwaited.rows.length).toBeGreaterThan(0);
    expect(fromQueued).toEqual(fromAwaited);

    await afterCommitSettled(queued.teamId);
    const [queuedRows, awaitedRows] = [await stored(queued.teamId), await stored(awaited.teamId)];
    expect(awaitedRows.findings.length).toBeGreaterThan(0);
    expect(awaitedRows.anatomies[0]!.runs).toBeGreaterThan(0);
    expect(queuedRows).toEqual(awaitedRows);
  });

  it("leave the stored findings as they were when the same body comes again, three requests at once", async () => {
    const send = () => postBody(queued);
    const before = await stored(queued.teamId);
    const answers = await Promise.all([send(), send(), send()]);
    for (const answer of answers) expect((await answer.json()).calls).toBe(0);
    await afterCommitSettled(queued.teamId);
    expect(await stored(queued.teamId)).toEqual(before);
  });
});

describe("waiting for a team's queue", () => {
  const batch = (teamId: string, runId: string) => ({
    teamId,
    batchId: randomUUID(),
    runIds: [runId],
    changedRunIds: [runId],
    costUsd: 0,
  });
  /** A pass that ends when the test says so, and records the runs it was given. */
  const gatedWork = () => {
    const passes: { runIds: string[]; end: () => void }[] = [];
    const work = (committed: { runIds: string[] }) =>
      new Promise<void>((resolve) => passes.push({ runIds: committed.runIds, end: resolve }));
    return { passes, work };
  };
  const state = (promise: Promise<void>) => {
    const seen = { settled: false };
    void promise.then(() => {
      seen.settled = true;
    });
    return seen;
  };
  const tick = () => new Promise((resolve) => setTimeout(resolve, 10));
  const nextPassMayStart = () => new Promise((resolve) => setTimeout(resolve, PASS_INTERVAL_MS + 20));

  it("ends with the passes of the batches committed before it, not with later ones", async () => {
    const teamId = "00000000-0000-4000-8000-0000000000a1";
    const { passes, work } = gatedWork();
    const failures: unknown[] = [];
    const noFailure = async (error: unknown) => {
      failures.push(error);
    };
    queueAfterCommit(batch(teamId, "a"), work, noFailure);
    const beforeB = state(afterCommitSettled(teamId));
    queueAfterCommit(batch(teamId, "b"), work, noFailure);
    queueAfterCommit(batch(teamId, "c"), work, noFailure);
    const beforeD = state(afterCommitSettled(teamId));
    await tick();
    expect(passes.map((pass) => pass.runIds)).toEqual([["a"]]);

    passes[0]!.end();
    await tick();
    // The wait that began before b is over; b and c wait for the next pass, which may not start yet.
    expect(beforeB.settled).toBe(true);
    expect(passes.map((pass) => pass.runIds)).toEqual([["a"]]);
    await nextPassMayStart();
    // b and c waited as one pass; the wait that began before them is over when it ends.
    expect(passes.map((pass) => pass.runIds)).toEqual([["a"], ["b", "c"]]);
    expect(beforeD.settled).toBe(false);

    // A team that keeps committing (telemetry) never holds a wait past its own batches' pass.
    queueAfterCommit(batch(teamId, "d"), work, noFailure);
    passes[1]!.end();
    await tick();
    expect(beforeD.settled).toBe(true);
    await nextPassMayStart();
    expect(passes.map((pass) => pass.runIds)).toEqual([["a"], ["b", "c"], ["d"]]);
    const afterD = state(afterCommitSettled(teamId));
    await tick();
    expect(afterD.settled).toBe(false);
    passes[2]!.end();
    await tick();
    expect(afterD.settled).toBe(true);
    await afterCommitSettled(teamId);
    expect(failures).toEqual([]);
  });

  it("starts a team's passes at most every PASS_INTERVAL_MS, and a lone batch's at once", async () => {
    const teamId = "00000000-0000-4000-8000-0000000000a2";
    const { passes, work } = gatedWork();
    const noFailure = async () => {};
    const started: number[] = [];
    const timedWork = (committed: { runIds: string[] }) => {
      started.push(Date.now());
      return work(committed);
    };
    const begun = Date.now();
    queueAfterCommit(batch(teamId, "a"), timedWork, noFailure);
    await tick();
    passes[0]!.end();
    // Batches that commit one after another, each after the last pass ended, as streamed telemetry's do.
    for (const runId of ["b", "c", "d"]) {
      await tick();
      queueAfterCommit(batch(teamId, runId), timedWork, noFailure);
    }
    await nextPassMayStart();
    expect(passes.map((pass) => pass.runIds)).toEqual([["a"], ["b", "c", "d"]]);
    expect(started[0]! - begun).toBeLessThan(PASS_INTERVAL_MS / 2);
    expect(started[1]! - started[0]!).toBeGreaterThanOrEqual(PASS_INTERVAL_MS - 1);
    passes[1]!.end();
    await afterCommitSettled(teamId);
    await backgroundSettled();
    // The queue is gone once the pause after the last pass is over: the next batch's pass starts at once.
    const alone = Date.now();
    queueAfterCommit(batch(teamId, "e"), timedWork, noFailure);
    await tick();
    expect(passes.map((pass) => pass.runIds).at(-1)).toEqual(["e"]);
    expect(started[2]! - alone).toBeLessThan(PASS_INTERVAL_MS / 2);
    passes[2]!.end();
    await afterCommitSettled(teamId);
  });
});

describe("a stop between a batch's commit and its queued pass", () => {
  it("leaves a mark on the batch that the next start turns into the same findings", async () => {
    const team = await createTestTeam("interrupted");
    const response = await postBody(team);
    expect(response.status).toBe(200);
    await afterCommitSettled(team.teamId);
    const pending = () => db().ingestBatch.count({ where: { teamId: team.teamId, afterCommitPending: true } });
    // The pass ended: nothing is marked.
    expect(await pending()).toBe(0);
    const complete = await stored(team.teamId);
    expect(complete.findings.length).toBeGreaterThan(0);

    // What a process stopped after the commit leaves: the mark, and none of the pass's work.
    await db().ingestBatch.updateMany({ where: { teamId: team.teamId }, data: { afterCommitPending: true } });
    await db().finding.deleteMany({ where: { teamId: team.teamId } });
    await db().runContextPackage.deleteMany({ where: { teamId: team.teamId } });
    expect((await stored(team.teamId)).findings).toEqual([]);

    const resumed = await resumeInterruptedAfterCommit();
    expect(resumed).toContain(team.teamId);
    await backgroundSettled();
    expect(await latestRecomputeJob(team.teamId)).toMatchObject({ status: "done" });
    expect(await stored(team.teamId)).toEqual(complete);
    expect(await pending()).toBe(0);
    // Nothing is left to resume.
    expect(await resumeInterruptedAfterCommit()).not.toContain(team.teamId);
  });
});
