/**
 * The runs list at scale: a page of runs and the total, pages that together hold every run once,
 * the text search (literal, every word, case-insensitive), the task filter, and Codex runs titled
 * by their first user message rather than their session id.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as listRuns } from "@/app/api/v1/runs/route";
import type { Scope } from "@/lib/auth/scope";
import { closeDb } from "@/lib/db/client";
import { ingestFile } from "@/lib/ingest/ingest-file";
import { createTestTeam, type TestTeam, userScope } from "@/lib/testing/fixtures";
import { ingestFixtureFolder, wholeRange } from "@/lib/testing/ingest-fixtures";
import { runsList, runsPage, searchWords } from "./runs-list";

const RUNS = 250;
let team: TestTeam;
let scope: Scope;

/** Run i: in repo-(i mod 5), titled like sixty real rows ("Task i: fix the failing test"). */
function nativeLine(i: number): string {
  return JSON.stringify({
    sessionId: `session-${i}`,
    callKey: "c1",
    timestamp: `2026-10-${String(1 + (i % 20)).padStart(2, "0")}T10:00:00Z`,
    model: "claude-sonnet-4-5",
    inputTokens: 1000 + i,
    outputTokens: 100,
    cwd: `/home/ana/src/repo-${i % 5}`,
    title: i === 7 ? "Task 7: fix 100%_done in the BILLING page" : `Task ${i}: fix the failing test`,
  });
}

beforeAll(async () => {
  team = await createTestTeam("runs-list");
  scope = userScope(team);
  const lines = Array.from({ length: RUNS }, (_, i) => nativeLine(i));
  const result = await ingestFile(scope, {
    format: "native",
    fileName: "runs.jsonl",
    body: { bytes: [Buffer.from(`${lines.join("\n")}\n`)], gzip: false },
  });
  expect(result.errors).toEqual([]);
  await ingestFixtureFolder(scope, "localpush/src-tauri/tests/fixtures/codex/2026-02-23/raw/sessions");
});

afterAll(closeDb);

const base = { ...wholeRange, sort: "cost" as const, limit: 100 };

describe("runs list pages", () => {
  it("give every run exactly once across pages, with the total", async () => {
    const native = { ...base, agent: "native" };
    const pages = await Promise.all([0, 100, 200].map((offset) => runsPage(scope, { ...native, offset })));
    expect(pages.map((page) => page.total)).toEqual([RUNS, RUNS, RUNS]);
    expect(pages.map((page) => page.runs.length)).toEqual([100, 100, 50]);
    const ids = pages.flatMap((page) => page.runs.map((run) => run.id));
    expect(new Set(ids).size).toBe(RUNS);
    const costs = pages.flatMap((page) => page.runs.map((run) => run.costUsd));
    expect(costs).toEqual([...costs].sort((a, b) => b - a));
    expect((await runsPage(scope, { ...native, offset: 300 })).runs).toEqual([]);
  });

  it("carry the repository and working directory", async () => {
    const run = (await runsList(scope, { ...base, q: "session-3" })).find((r) => r.externalId === "session-3");
    expect(run).toMatchObject({ cwd: "/home/ana/src/repo-3", title: "Task 3: fix the failing test" });
  });
});

describe("runs search", () => {
  it("matches the folder, the title and the session id, case-insensitively, every word", async () => {
    const inRepo3 = await runsPage(scope, { ...base, q: "REPO-3" });
    expect(inRepo3.total).toBe(RUNS / 5);
    expect(inRepo3.runs.every((run) => run.cwd === "/home/ana/src/repo-3")).toBe(true);
    const both = await runsPage(scope, { ...base, q: "repo-2  task 7", limit: 1000 });
    const expected = Array.from({ length: RUNS }, (_, i) => i).filter((i) => i % 5 === 2 && String(i).includes("7"));
    expect(both.runs.map((run) => run.externalId).sort()).toEqual(expected.map((i) => `session-${i}`).sort());
    expect((await runsPage(scope, { ...base, q: "billing page" })).runs.map((run) => run.externalId)).toEqual([
      "session-7",
    ]);
  });

  it("takes LIKE and regex characters literally", async () => {
    expect((await runsPage(scope, { ...base, q: "100%_done" })).total).toBe(1);
    expect((await runsPage(scope, { ...base, q: "%" })).total).toBe(1);
    expect((await runsPage(scope, { ...base, agent: "native", q: "_" })).total).toBe(1);
    expect((await runsPage(scope, { ...base, q: ".*" })).total).toBe(0);
    expect(searchWords("  a  A b ")).toEqual(["a", "b"]);
  });

  it("is in the API, with the total", async () => {
    const response = await listRuns(
      new Request(`http://test/api/v1/runs?from=2026-10-01&to=2026-10-31&q=repo-4&limit=10&offset=40`, {
        headers: { authorization: `Bearer ${team.readKey}` },
      }),
      {},
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as { runs: { cwd: string }[]; total: number };
    expect(body.total).toBe(RUNS / 5);
    expect(body.runs.length).toBe(10);
    expect(body.runs.every((run) => run.cwd.endsWith("repo-4"))).toBe(true);
  });
});

describe("Codex runs", () => {
  it("are titled by their first user message, not their session id", async () => {
    const codex = await runsList(scope, { ...base, agent: "codex" });
    expect(codex.length).toBe(5);
    const first = codex.find((run) => run.externalId === "019c8a4c-ed82-79a1-aa28-7738fc5ab61a")!;
    // The file's first event_msg user_message (line 10), not a later one.
    expect(first.title).toBe("[REDACTED_MESSAGE len=516 sha=05857781]");
    for (const run of codex) expect(run.title).toMatch(/^\[REDACTED_MESSAGE len=\d+ sha=[0-9a-f]+\]$/);
  });
});
