/**
 * The Outcomes page's questions: each run's latest decision in a range with its source, counts per
 * source, members limited to their own runs, and the runs awaiting a decision (proposed first).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Scope } from "@/lib/auth/scope";
import { closeDb } from "@/lib/db/client";
import { teamDb } from "@/lib/db/team-db";
import { ingestFile } from "@/lib/ingest/ingest-file";
import { outcomeActor, recordOutcomes } from "@/lib/outcomes/record-outcome";
import { createTestTeam, type TestTeam, userScope } from "@/lib/testing/fixtures";
import { recordedOutcomes } from "./recorded-outcomes";
import { runsAwaitingDecision } from "./runs-awaiting-decision";

let team: TestTeam;
let scope: Scope;
const ids: Record<string, string> = {};
const today = new Date().toISOString().slice(0, 10);
const range = { from: "2026-01-01", to: today };

beforeAll(async () => {
  team = await createTestTeam("outcomes-page");
  scope = userScope(team);
  const lines = ["a", "b", "c", "d", "e"].map((name, i) =>
    JSON.stringify({
      sessionId: `run-${name}`,
      callKey: "c1",
      timestamp: "2026-10-02T10:00:00Z",
      model: "claude-sonnet-4-5",
      inputTokens: 1000 * (i + 1),
      outputTokens: 10,
      title: `Run ${name}`,
    }),
  );
  await ingestFile(scope, {
    format: "native",
    fileName: "o.jsonl",
    body: { bytes: [Buffer.from(`${lines.join("\n")}\n`)], gzip: false },
  });
  for (const run of await teamDb(scope).run.findMany()) ids[run.externalId.slice(4)] = run.id;
  const actor = outcomeActor(scope);
  // a: accepted by hand, then rejected through the API (its latest decision counts, once).
  await recordOutcomes(scope, { runIds: [ids.a!], status: "ACCEPTED", source: "manual" }, actor);
  await recordOutcomes(scope, { runIds: [ids.a!], status: "REJECTED", source: "api", evidence: "flaky" }, actor);
  await recordOutcomes(scope, { runIds: [ids.b!], status: "ACCEPTED", source: "manual", evidence: "<b>ok</b>" }, actor);
  await recordOutcomes(scope, { runIds: [ids.c!], status: "PROPOSED", source: "tool-call" }, actor);
});

afterAll(closeDb);

describe("recorded outcomes", () => {
  it("give each run's latest decision with its source, and counts per source", async () => {
    const { outcomes, bySource } = await recordedOutcomes(scope, range);
    const byRun = Object.fromEntries(outcomes.map((o) => [o.runTitle, o]));
    expect(Object.keys(byRun).sort()).toEqual(["Run a", "Run b", "Run c"]);
    expect(byRun["Run a"]).toMatchObject({ status: "REJECTED", source: "api", evidence: "flaky" });
    expect(byRun["Run b"]).toMatchObject({ status: "ACCEPTED", source: "manual", evidence: "<b>ok</b>" });
    expect(byRun["Run b"]!.decidedBy).toBe(`admin@${team.slug}.example.com`);
    expect(bySource).toEqual([
      { source: "api", status: "REJECTED", count: 1 },
      { source: "manual", status: "ACCEPTED", count: 1 },
      { source: "tool-call", status: "PROPOSED", count: 1 },
    ]);
    expect((await recordedOutcomes(scope, { from: "2026-01-01", to: "2026-01-02" })).outcomes).toEqual([]);
  });

  it("are a member's own runs only", async () => {
    const member = userScope(team, "MEMBER", team.adminUserId);
    // The admin's person owns no run here: a member with that account sees no decision.
    expect((await recordedOutcomes(member, range)).outcomes).toEqual([]);
    expect((await runsAwaitingDecision(member, range)).runs).toEqual([]);
  });
});

describe("runs awaiting a decision", () => {
  it("are the proposed, then the undecided most expensive first", async () => {
    const awaiting = await runsAwaitingDecision(scope, range);
    expect(awaiting.runs.map((run) => run.title)).toEqual(["Run c", "Run e", "Run d"]);
    expect(awaiting).toMatchObject({ proposed: 1, undecided: 2 });
  });
});
