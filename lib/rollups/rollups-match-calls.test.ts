/**
 * Every page's numbers come from rollups (DailySpend, RunDaySpend, Run totals, Finding,
 * RunCostAnatomy, RunWaste, WasteDay); here each is set against the same number computed from the raw calls (Call,
 * ToolCall and the runs' attribution) on a generated corpus and a real one: after ingest, after
 * re-attribution (manual assignment and a split), after outcomes are decided (the waste rollups
 * follow the no-accepted-outcome findings), and after the calls' costs change under the rollups and
 * rebuildRollups repairs them.
 */
import { createReadStream, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findTraceFiles } from "@/lib/analyze/trace-files";
import type { Scope } from "@/lib/auth/scope";
import { closeDb, db } from "@/lib/db/client";
import { table } from "@/lib/db/tables";
import { Prisma } from "@/lib/generated/prisma/client";
import { ingestFile } from "@/lib/ingest/ingest-file";
import { outcomeActor, recordOutcomes } from "@/lib/outcomes/record-outcome";
import { assignRuns, createPerson, createProject, splitRun } from "@/lib/ownership/manage";
import { loadPriceOverrides } from "@/lib/pricing/overrides";
import { costPerOutcome } from "@/lib/queries/cost-per-outcome";
import { dailySpendByGroup } from "@/lib/queries/daily-spend-by-group";
import { runsList } from "@/lib/queries/runs-list";
import { type SpendGroup, spendByGroup } from "@/lib/queries/spend-by-group";
import { writeTraceFiles } from "@/lib/testing/analyze-totals";
import { createTestTeam, userScope } from "@/lib/testing/fixtures";
import { ingestFixtureFolder, wholeRange } from "@/lib/testing/ingest-fixtures";
import { drawFrom, generateCorpus } from "@/lib/testing/trace-corpus";
import { addAnatomy, type CostAnatomy, causes, costAnatomy, emptyAnatomy, phases } from "@/lib/waste/cost-anatomy";
import { detectRunWaste } from "@/lib/waste/detect-run-waste";
import { loadRunInputs } from "@/lib/waste/load-runs";
import { rangeCostAnatomy } from "@/lib/waste/queries/cost-anatomy";
import { wasteByGroup } from "@/lib/waste/queries/waste-by-group";
import { wasteOverTime } from "@/lib/waste/queries/waste-over-time";
import { rebuildRollups } from "./rebuild";

const CallTable = table("Call");
const RunTable = table("Run");
const c = table("Call", "c");
const o = table("Person", "o");
const p = table("Project", "p");
const r = table("Run", "r");
const sRunOwnerShare = table("RunOwnerShare", "s");
const t = table("Task", "t");

afterAll(closeDb);

const COST = 1e-9;

/** Spend per group straight from Call, a split run's calls shared among its owners. */
async function rawSpend(teamId: string, groupBy: SpendGroup): Promise<Map<string, number>> {
  const key: Record<SpendGroup, Prisma.Sql> = {
    day: Prisma.sql`to_char((${c.timestamp} AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD')`,
    week: Prisma.sql`to_char(date_trunc('week', (${c.timestamp} AT TIME ZONE 'UTC')::date), 'YYYY-MM-DD')`,
    owner: Prisma.sql`coalesce(${o.email}, ${o.displayName}, 'unallocated')`,
    project: Prisma.sql`coalesce(${p.name}, 'unallocated')`,
    task: Prisma.sql`coalesce(${t.key}, 'unallocated')`,
    model: c.model,
    agent: r.source,
  };
  const rows = await db().$queryRaw<{ key: string; cost: number }[]>`
    SELECT ${key[groupBy]} AS key, sum(${c.costUsd} * coalesce(${sRunOwnerShare.percent} / 100, 1))::float8 AS cost
    FROM ${c.$} JOIN ${r.$} ON ${r.teamId} = ${c.teamId} AND ${r.id} = ${c.runId}
    LEFT JOIN ${sRunOwnerShare.$} ON ${sRunOwnerShare.teamId} = ${r.teamId} AND ${sRunOwnerShare.runId} = ${r.id}
    LEFT JOIN ${o.$} ON ${o.teamId} = ${r.teamId} AND ${o.id} = coalesce(${sRunOwnerShare.personId}, ${r.ownerId})
    LEFT JOIN ${p.$} ON ${p.teamId} = ${r.teamId} AND ${p.id} = ${r.projectId}
    LEFT JOIN ${t.$} ON ${t.teamId} = ${r.teamId} AND ${t.id} = ${r.taskId}
    WHERE ${c.teamId} = ${teamId}::uuid GROUP BY 1`;
  return new Map(rows.map((row) => [row.key, row.cost]));
}

/** Each run's cost, calls and tool calls read from Call and ToolCall, run through the detectors and the anatomy. */
async function rawPerRun(teamId: string) {
  const runs = await db().$queryRaw<{ id: string; cost: number | null; calls: number }[]>`
    SELECT ${r.id}::text AS id, (SELECT sum(${c.costUsd}) FROM ${c.$} WHERE ${c.teamId} = ${r.teamId} AND ${c.runId} = ${r.id})::float8 AS cost,
      (SELECT count(*) FROM ${c.$} WHERE ${c.teamId} = ${r.teamId} AND ${c.runId} = ${r.id})::int AS calls
    FROM ${r.$} WHERE ${r.teamId} = ${teamId}::uuid`;
  const inputs = await loadRunInputs(
    db(),
    teamId,
    runs.map((run) => run.id),
    await loadPriceOverrides(db(), teamId),
  );
  const anatomy = emptyAnatomy();
  const wasteByCategory = new Map<string, number>();
  // Each run's waste counted once: the larger of its no-accepted-outcome finding and the sum of the others.
  const wasteByRun = new Map<string, number>();
  for (const input of inputs) {
    addAnatomy(anatomy, costAnatomy(input));
    let outcome = 0;
    let others = 0;
    for (const finding of detectRunWaste(input)) {
      wasteByCategory.set(finding.category, (wasteByCategory.get(finding.category) ?? 0) + finding.wastedUsd);
      if (finding.category === "no-accepted-outcome") outcome += finding.wastedUsd;
      else others += finding.wastedUsd;
    }
    if (outcome > 0 || others > 0) wasteByRun.set(input.runId, Math.max(outcome, others));
  }
  return { runs, anatomy, wasteByCategory, wasteByRun };
}

function expectAnatomyClose(actual: CostAnatomy, expected: CostAnatomy) {
  expect(actual.calls).toBe(expected.calls);
  expect(actual.costUsd).toBeCloseTo(expected.costUsd, 8);
  expect(actual.wallMs).toBe(expected.wallMs);
  expect(actual.longestGapMs).toBe(expected.longestGapMs);
  for (const phase of phases) {
    expect(actual.phaseUsd[phase]).toBeCloseTo(expected.phaseUsd[phase], 8);
    expect(actual.phaseMs[phase]).toBe(expected.phaseMs[phase]);
  }
  for (const cause of causes) expect(actual.causeUsd[cause]).toBeCloseTo(expected.causeUsd[cause], 8);
}

/** Every page question over the whole range, from rollups, against the raw calls. */
async function expectPagesMatchCalls(scope: Scope) {
  const { teamId } = scope;
  for (const groupBy of ["day", "week", "owner", "project", "task", "model", "agent"] as const) {
    const fromRollup = await spendByGroup(scope, { ...wholeRange, groupBy });
    const raw = await rawSpend(teamId, groupBy);
    expect(fromRollup.rows.map((row) => row.key).sort()).toEqual([...raw.keys()].sort());
    for (const row of fromRollup.rows) expect(Math.abs(row.costUsd - raw.get(row.key)!)).toBeLessThan(COST);
  }
  const rawTotal = [...(await rawSpend(teamId, "day")).values()].reduce((sum, cost) => sum + cost, 0);
  // The overview's chart, stacked by owner and project.
  for (const stackBy of ["owner", "project"] as const) {
    const chart = await dailySpendByGroup(scope, { ...wholeRange, stackBy });
    const raw = await rawSpend(teamId, stackBy);
    const byKey = new Map<string, number>();
    for (const part of chart) byKey.set(part.key, (byKey.get(part.key) ?? 0) + part.costUsd);
    for (const [key, cost] of raw) expect(Math.abs((byKey.get(key) ?? 0) - cost)).toBeLessThan(COST);
  }
  const outcomes = await costPerOutcome(scope, { ...wholeRange, groupBy: "week" });
  expect(Math.abs(outcomes.totals.spendUsd - rawTotal)).toBeLessThan(COST);

  const perRun = await rawPerRun(teamId);
  const listed = await runsList(scope, { ...wholeRange, sort: "cost", limit: 1000 });
  expect(listed).toHaveLength(perRun.runs.length);
  const rawRuns = new Map(perRun.runs.map((run) => [run.id, run]));
  for (const run of listed) {
    expect(run.calls).toBe(rawRuns.get(run.id)!.calls);
    expect(Math.abs(run.costUsd - (rawRuns.get(run.id)!.cost ?? 0))).toBeLessThan(COST);
  }

  const anatomy = await rangeCostAnatomy(scope, wholeRange);
  expectAnatomyClose(anatomy.team, perRun.anatomy);
  const waste = await wasteByGroup(scope, { ...wholeRange, groupBy: "category" });
  expect(Object.fromEntries(waste.rows.map((row) => [row.key, row.wastedUsd]))).toEqual(
    Object.fromEntries([...perRun.wasteByCategory].map(([key, usd]) => [key, expect.closeTo(usd, 8)])),
  );
  expect(Math.abs(waste.totals.spendUsd - rawTotal)).toBeLessThan(COST);
  // The waste rollups (RunWaste, WasteDay) against the detectors run over the raw calls.
  const byRun = await wasteByGroup(scope, { ...wholeRange, groupBy: "run" });
  expect(Object.fromEntries(byRun.rows.map((row) => [row.key, row.wastedUsd]))).toEqual(
    Object.fromEntries([...perRun.wasteByRun].map(([key, usd]) => [key, expect.closeTo(usd, 8)])),
  );
  const rawWasted = [...perRun.wasteByRun.values()].reduce((sum, usd) => sum + usd, 0);
  expect(waste.totals.wastedUsd).toBeCloseTo(rawWasted, 8);
  const ownerOf = new Map(
    (
      await db().$queryRaw<{ id: string; owner: string }[]>`
        SELECT ${r.id}::text AS id, coalesce(${o.email}, ${o.displayName}, 'unallocated') AS owner
        FROM ${r.$} LEFT JOIN ${o.$} ON ${o.teamId} = ${r.teamId} AND ${o.id} = ${r.ownerId} WHERE ${r.teamId} = ${teamId}::uuid`
    ).map((row) => [row.id, row.owner]),
  );
  const rawByOwner = new Map<string, number>();
  for (const [runId, usd] of perRun.wasteByRun)
    rawByOwner.set(ownerOf.get(runId)!, (rawByOwner.get(ownerOf.get(runId)!) ?? 0) + usd);
  const byOwner = await wasteByGroup(scope, { ...wholeRange, groupBy: "owner" });
  expect(Object.fromEntries(byOwner.rows.map((row) => [row.key, row.wastedUsd]))).toEqual(
    Object.fromEntries([...rawByOwner].map(([key, usd]) => [key, expect.closeTo(usd, 8)])),
  );
  const overTime = new Map<string, number>();
  for (const row of (await wasteOverTime(scope, wholeRange)).rows)
    overTime.set(row.category, (overTime.get(row.category) ?? 0) + row.wastedUsd);
  expect(Object.fromEntries(overTime)).toEqual(
    Object.fromEntries([...perRun.wasteByCategory].map(([key, usd]) => [key, expect.closeTo(usd, 8)])),
  );
}

/** Re-attribution: a new owner and project assigned by hand to half the runs, and one run split. */
async function reattribute(scope: Scope) {
  const runs = await db().$queryRaw<{ id: string }[]>`
    SELECT ${RunTable.id}::text FROM ${RunTable.$} WHERE ${RunTable.teamId} = ${scope.teamId}::uuid ORDER BY ${RunTable.startedAt}, ${RunTable.id}`;
  const ada = await createPerson(scope, { displayName: "Ada", email: `ada@${scope.teamSlug}.example.com` });
  const bob = await createPerson(scope, { displayName: "Bob", email: `bob@${scope.teamSlug}.example.com` });
  const project = await createProject(scope, { name: "moved-here" });
  const half = runs.filter((_, i) => i % 2 === 0).map((run) => run.id);
  if (half.length > 0) await assignRuns(scope, { runIds: half, ownerId: ada.id, projectId: project.id });
  await splitRun(scope, runs.at(-1)!.id, [
    { personId: ada.id, percent: 30 },
    { personId: bob.id, percent: 70 },
  ]);
}

/** What re-pricing does to history: the calls of the first day cost twice as much. */
async function repriceFirstDay(teamId: string): Promise<string> {
  const [first] = await db().$queryRaw<{ day: string }[]>`
    SELECT to_char(min((${CallTable.timestamp} AT TIME ZONE 'UTC')::date), 'YYYY-MM-DD') AS day FROM ${CallTable.$} WHERE ${CallTable.teamId} = ${teamId}::uuid`;
  await db().$executeRaw`
    UPDATE ${CallTable.$} SET ${CallTable.costUsd} = ${CallTable.costUsd} * 2
    WHERE ${CallTable.teamId} = ${teamId}::uuid AND (${CallTable.timestamp} AT TIME ZONE 'UTC')::date = ${first!.day}::date`;
  return first!.day;
}

/** Outcomes decided: the first run rejected, the second abandoned, the third accepted (its findings move). */
async function decideOutcomes(scope: Scope) {
  const runs = await db().$queryRaw<{ id: string }[]>`
    SELECT ${RunTable.id}::text FROM ${RunTable.$} WHERE ${RunTable.teamId} = ${scope.teamId}::uuid ORDER BY ${RunTable.startedAt}, ${RunTable.id} LIMIT 3`;
  const statuses = ["REJECTED", "ABANDONED", "ACCEPTED"] as const;
  for (const [i, run] of runs.entries())
    await recordOutcomes(scope, { runIds: [run.id], status: statuses[i]!, source: "manual" }, outcomeActor(scope));
}

async function checkAllStages(scope: Scope) {
  await expectPagesMatchCalls(scope);
  await reattribute(scope);
  await expectPagesMatchCalls(scope);
  await decideOutcomes(scope);
  await expectPagesMatchCalls(scope);
  const day = await repriceFirstDay(scope.teamId);
  const rebuilt = await rebuildRollups(scope.teamId, { from: day, to: day });
  expect(rebuilt.days).toBe(1);
  expect(rebuilt.runs).toBeGreaterThan(0);
  await expectPagesMatchCalls(scope);
}

describe("every page's number from rollups equals the number from the raw calls", () => {
  let generated: Scope;
  let real: Scope;

  beforeAll(async () => {
    generated = userScope(await createTestTeam("rollups-gen"));
    real = userScope(await createTestTeam("rollups-real"));
    // A fixed sample of the property tests' generator: Claude Code and Codex sessions, calls across days.
    const [corpus] = fc.sample(
      fc.gen().map((g) => generateCorpus(drawFrom(g))),
      { numRuns: 1, seed: 2126 },
    );
    const root = mkdtempSync(path.join(tmpdir(), "trh-rollups-"));
    writeTraceFiles(root, corpus!);
    for (const file of (await findTraceFiles([root])).files)
      await ingestFile(generated, {
        format: file.format,
        fileName: file.fileName,
        body: { bytes: createReadStream(file.absolutePath), gzip: false },
      });
    await ingestFixtureFolder(real, "spotter/test/fixtures/transcripts");
  }, 120_000);

  it("on a generated corpus: after ingest, after re-attribution, after outcomes, after re-pricing and rebuildRollups", async () => {
    await checkAllStages(generated);
  }, 120_000);

  it("on real Claude Code transcripts (tool calls, findings): the same four stages", async () => {
    const { rows } = await wasteByGroup(real, { ...wholeRange, groupBy: "category" });
    expect(rows.length).toBeGreaterThan(0);
    await checkAllStages(real);
  }, 120_000);
});
