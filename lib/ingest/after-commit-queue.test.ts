/**
 * The server's ingest requests answer once their batch has committed and queue its findings
 * (after-commit-queue.ts), on the real Postgres server: a read right after the answer sees the
 * same findings, cost anatomy and context packages as an ingest that awaited them, and the
 * queue, once settled, leaves exactly what the awaited path stores.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as postFiles } from "@/app/api/v1/ingest/files/route";
import { GET as getWaste } from "@/app/api/v1/waste/route";
import { findTraceFiles } from "@/lib/analyze/trace-files";
import { closeDb, db } from "@/lib/db/client";
import { table } from "@/lib/db/tables";
import { createTestTeam, type TestTeam, userScope } from "@/lib/testing/fixtures";
import { fixturesRoot, wholeRange } from "@/lib/testing/ingest-fixtures";
import { afterCommitSettled } from "./after-commit-queue";
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
    const response = await postFiles(
      new Request("http://test/api/v1/ingest/files", {
        method: "POST",
        body: new Uint8Array(body),
        headers: { authorization: `Bearer ${queued.ingestKey}` },
      }),
      undefined as never,
    );
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
    const send = () =>
      postFiles(
        new Request("http://test/api/v1/ingest/files", {
          method: "POST",
          body: new Uint8Array(body),
          headers: { authorization: `Bearer ${queued.ingestKey}` },
        }),
        undefined as never,
      );
    const before = await stored(queued.teamId);
    const answers = await Promise.all([send(), send(), send()]);
    for (const answer of answers) expect((await answer.json()).calls).toBe(0);
    await afterCommitSettled(queued.teamId);
    expect(await stored(queued.teamId)).toEqual(before);
  });
});
