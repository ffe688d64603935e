/**
 * Compare workflows on Postgres, with generated runs whose true difference is known: runs are
 * written through the native ingest format (the app's one write path), projects found by their
 * path pattern, outcomes recorded as a person would. The verdict must name the cheaper cohort when
 * the difference is real and large with enough runs, and refuse when there is no difference, when
 * the cohorts are too small, and when one cohort only looks cheap because it got the easy project.
 */
import { Readable } from "node:stream";
import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as getCompare } from "@/app/api/v1/compare/route";
import type { Scope } from "@/lib/auth/scope";
import { closeDb, db } from "@/lib/db/client";
import { table } from "@/lib/db/tables";
import { ingestFile } from "@/lib/ingest/ingest-file";
import { recordOutcomes } from "@/lib/outcomes/record-outcome";
import { createProject } from "@/lib/ownership/manage";
import { createTestTeam, type TestTeam, userScope } from "@/lib/testing/fixtures";
import { type CompareResult, compareCohorts, compareQuerySchema } from "./compare-cohorts";
import { MIN_RUNS } from "./verdict";

const RunTable = table("Run");

const CHEAP = "claude-sonnet-4-5";
const DEAR = "claude-opus-4-6";
const range = { from: "2026-10-01", to: "2026-11-30" };

interface RunPlan {
  model: string;
  project: "easy" | "hard";
  /** Output tokens around which the run's size varies (±50%). */
  outputTokens: number;
  acceptance: number;
  day: string;
}

/**
 * Writes the planned runs (one call each) through native ingest and accepts each with its
 * probability, all drawn from a seeded generator so every run of the test sees the same data.
 */
async function generate(team: TestTeam, plans: RunPlan[], seed: number): Promise<void> {
  const scope = userScope(team);
  await createProject(scope, { name: "easy", pathPattern: "/work/easy{,/**}" });
  await createProject(scope, { name: "hard", pathPattern: "/work/hard{,/**}" });
  const rng = xoroshiro128plus(seed);
  const lines: string[] = [];
  const accepted: string[] = [];
  plans.forEach((plan, i) => {
    const sessionId = `gen-${i}`;
    const outputTokens = Math.round(plan.outputTokens * (0.5 + uniformInt(rng, 0, 1000) / 1000));
    const hour = String(uniformInt(rng, 0, 23)).padStart(2, "0");
    lines.push(
      JSON.stringify({
        sessionId,
        callKey: "c1",
        timestamp: `${plan.day}T${hour}:00:00Z`,
        model: plan.model,
        inputTokens: 2000,
        outputTokens,
        cwd: `/work/${plan.project}`,
        title: `generated ${i}`,
      }),
    );
    if (uniformInt(rng, 0, 9999) < plan.acceptance * 10000) accepted.push(sessionId);
  });
  const result = await ingestFile(scope, {
    format: "native",
    fileName: "generated.jsonl",
    body: { bytes: Readable.from([Buffer.from(`${lines.join("\n")}\n`)]), gzip: false },
  });
  expect(result.errors).toEqual([]);
  const runs = await db().run.findMany({
    where: { teamId: team.teamId, externalId: { in: accepted } },
    select: { id: true },
  });
  expect(runs).toHaveLength(accepted.length);
  await recordOutcomes(
    scope,
    { runIds: runs.map((run) => run.id), status: "ACCEPTED", source: "manual" },
    { userId: team.adminUserId, apiKeyId: null },
  );
}

function plans(
  count: number,
  plan: Omit<RunPlan, "day">,
  days: [string, string] = ["2026-10-05", "2026-11-25"],
): RunPlan[] {
  const first = Date.parse(`${days[0]}T00:00:00Z`);
  const span = (Date.parse(`${days[1]}T00:00:00Z`) - first) / 86_400_000;
  return Array.from({ length: count }, (_, i) => ({
    ...plan,
    day: new Date(first + Math.floor((i * span) / count) * 86_400_000).toISOString().slice(0, 10),
  }));
}

const compare = (scope: Scope, cohort: string[], match: "project" | "none" = "project") =>
  compareCohorts(scope, compareQuerySchema.parse({ ...range, cohort, match }));

/** Spend and accepted runs of a cohort, summed here from the Run rows, independently of the comparison. */
async function storedTotals(team: TestTeam, model: string) {
  const rows = await db().$queryRaw<{ spend: number; accepted: number; runs: number }[]>`
    SELECT sum(${RunTable.costUsd})::float8 AS spend, count(*) FILTER (WHERE ${RunTable.outcome} = 'ACCEPTED')::int AS accepted, count(*)::int AS runs
    FROM ${RunTable.$} WHERE ${RunTable.teamId} = ${team.teamId}::uuid AND ${model} = ANY(${RunTable.models})`;
  return rows[0]!;
}

afterAll(closeDb);

describe("a real and large difference with enough runs", () => {
  let team: TestTeam;
  beforeAll(async () => {
    team = await createTestTeam("compare-real");
    // The dear model: three times the output per run and half the acceptance, in both projects.
    await generate(
      team,
      [
        ...plans(40, { model: CHEAP, project: "easy", outputTokens: 20_000, acceptance: 0.7 }),
        ...plans(40, { model: CHEAP, project: "hard", outputTokens: 20_000, acceptance: 0.7 }),
        ...plans(40, { model: DEAR, project: "easy", outputTokens: 60_000, acceptance: 0.35 }),
        ...plans(40, { model: DEAR, project: "hard", outputTokens: 60_000, acceptance: 0.35 }),
      ],
      1,
    );
  });

  it("names the cheaper model, with figures that add up to the stored runs", async () => {
    const result = await compare(userScope(team), [`model:${DEAR}`, `model:${CHEAP}`]);
    expect(result.verdict.kind).toBe("winner");
    expect(result.verdict.winner).toBe(`model:${CHEAP}`);
    const [dear, cheap] = result.cohorts as [CompareResult["cohorts"][0], CompareResult["cohorts"][0]];
    for (const [cohort, model] of [
      [dear, DEAR],
      [cheap, CHEAP],
    ] as const) {
      const stored = await storedTotals(team, model);
      expect(cohort.runs).toBe(80);
      expect(cohort.spendUsd).toBeCloseTo(stored.spend, 9);
      expect(cohort.acceptedOutcomes).toBe(stored.accepted);
      expect(cohort.costPerAcceptedUsd).toBeCloseTo(stored.spend / stored.accepted, 9);
      // Both projects are matched, so every run counts.
      expect(cohort.matched.runs).toBe(80);
      expect(cohort.matched.interval!.low).toBeLessThanOrEqual(cohort.matched.costPerAcceptedUsd!);
      expect(cohort.matched.interval!.high!).toBeGreaterThanOrEqual(cohort.matched.costPerAcceptedUsd!);
      expect(cohort.weeks.reduce((sum, week) => sum + week.runs, 0)).toBe(80);
    }
    expect(cheap.matched.interval!.high!).toBeLessThan(dear.matched.interval!.low);
    expect(result.matching.strata.map((stratum) => stratum.key)).toEqual(["easy", "hard"]);
    expect(result.verdict.text).toContain(`model:${CHEAP} costs less per accepted outcome`);
  });

  it("gives the same interval every time (seeded bootstrap)", async () => {
    const once = await compare(userScope(team), [`model:${DEAR}`, `model:${CHEAP}`]);
    const again = await compare(userScope(team), [`model:${DEAR}`, `model:${CHEAP}`]);
    expect(again.cohorts.map((cohort) => cohort.matched)).toEqual(once.cohorts.map((cohort) => cohort.matched));
  });

  it("answers the API in JSON and CSV, and refuses bad cohorts with a clear 400", async () => {
    const read = (query: string, accept?: string) =>
      getCompare(
        new Request(`http://test/api/v1/compare?${query}`, {
          headers: { authorization: `Bearer ${team.readKey}`, ...(accept ? { accept } : {}) },
        }),
        {},
      );
    const cohorts = `cohort=${encodeURIComponent(`model:${DEAR}`)}&cohort=${encodeURIComponent(`model:${CHEAP}`)}`;
    // Empty cohort fields, as the page's form sends them, are ignored.
    const json = await read(`from=${range.from}&to=${range.to}&${cohorts}&cohort=&cohort=%20`);
    expect(json.status).toBe(200);
    expect(((await json.json()) as CompareResult).verdict.winner).toBe(`model:${CHEAP}`);
    for (const response of [
      await read(`from=${range.from}&to=${range.to}&${cohorts}&format=csv`),
      await read(`from=${range.from}&to=${range.to}&${cohorts}`, "text/csv"),
    ]) {
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toContain("text/csv");
      const lines = (await response.text()).trim().split("\r\n");
      expect(lines).toHaveLength(3);
      expect(lines[0]).toMatch(/^cohort,runs,acceptedOutcomes/);
      expect(lines[2]).toMatch(new RegExp(`^model:${CHEAP},80,.*,winner,yes$`));
    }
    const bad = async (query: string, message: RegExp) => {
      const response = await read(`from=${range.from}&to=${range.to}&${query}`);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(message);
    };
    await bad(`cohort=model:${CHEAP}`, /at least two cohorts/);
    await bad(`cohort=tag:team&cohort=model:${CHEAP}`, /tag needs key=value/);
    await bad(`cohort=colour:red&cohort=model:${CHEAP}`, /unknown cohort key "colour"/);
    await bad(`cohort=after:2026-13-01&cohort=model:${CHEAP}`, /after needs 2026-13-01 is not a calendar date/);
    await bad(`${cohorts}&format=xml`, /format: csv or json/);
    // A value is a value, never SQL.
    const hostile = await read(
      `from=${range.from}&to=${range.to}&cohort=${encodeURIComponent(`project:'); DROP TABLE "Run"; --`)}&cohort=model:${CHEAP}`,
    );
    expect(hostile.status).toBe(200);
    expect(((await hostile.json()) as CompareResult).cohorts.map((cohort) => cohort.runs)).toEqual([0, 80]);
    // Read scope: an ingest key may not.
    const ingestOnly = await getCompare(
      new Request(`http://test/api/v1/compare?${cohorts}`, { headers: { authorization: `Bearer ${team.ingestKey}` } }),
      {},
    );
    expect(ingestOnly.status).toBe(403);
  });

  it("keeps cohorts by owner to those who may see owners' spend", async () => {
    const member = userScope(team, "MEMBER");
    await expect(compare(member, ["owner:unallocated", `model:${CHEAP}`])).rejects.toThrow(/cohorts by owner need/);
    // Another team sees none of these runs.
    const other = await createTestTeam("compare-other");
    const result = await compare(userScope(other), [`model:${DEAR}`, `model:${CHEAP}`]);
    expect(result.cohorts.map((cohort) => cohort.runs)).toEqual([0, 0]);
    expect(result.verdict.kind).toBe("no-common-project");
  });
});

describe("a real and large difference at a modest size", () => {
  it.each([5, 6, 7])("names the cheaper model with 25 runs a side (seed %i)", async (seed) => {
    const team = await createTestTeam("compare-modest");
    await generate(
      team,
      [
        ...plans(25, { model: CHEAP, project: "easy", outputTokens: 20_000, acceptance: 0.7 }),
        ...plans(25, { model: DEAR, project: "easy", outputTokens: 60_000, acceptance: 0.35 }),
      ],
      seed,
    );
    const result = await compare(userScope(team), [`model:${DEAR}`, `model:${CHEAP}`]);
    expect(result.verdict).toMatchObject({ kind: "winner", winner: `model:${CHEAP}` });
  });
});

describe("no difference", () => {
  // Several seeds, so that the test does not rest on one lucky draw.
  it.each([2, 12, 22, 32])(
    "says not enough evidence when the cohorts are drawn alike, and how many more runs it would take (seed %i)",
    async (seed) => {
      const team = await createTestTeam("compare-none");
      // One workflow throughout; the date boundary splits it into two cohorts with no true difference.
      await generate(
        team,
        [
          ...plans(50, { model: CHEAP, project: "easy", outputTokens: 30_000, acceptance: 0.5 }, [
            "2026-10-05",
            "2026-11-08",
          ]),
          ...plans(50, { model: CHEAP, project: "easy", outputTokens: 30_000, acceptance: 0.5 }, [
            "2026-11-10",
            "2026-11-28",
          ]),
        ],
        seed,
      );
      const result = await compare(userScope(team), ["before:2026-11-10", "after:2026-11-10"]);
      expect(result.cohorts.map((cohort) => cohort.runs)).toEqual([50, 50]);
      expect(result.verdict.kind).toBe("not-enough-evidence");
      expect(result.verdict.winner).toBeNull();
      expect(result.verdict.text).toMatch(/intervals overlap/);
      // The rule of lib/compare/verdict.ts gives a number of runs for each cohort.
      expect(result.verdict.moreRunsNeeded).toHaveLength(2);
      for (const more of result.verdict.moreRunsNeeded!) expect(more).toBeGreaterThan(0);
    },
  );

  it("says not enough evidence when a large difference has too few runs, and names the runs needed", async () => {
    const team = await createTestTeam("compare-few");
    await generate(
      team,
      [
        ...plans(6, { model: CHEAP, project: "easy", outputTokens: 20_000, acceptance: 0.7 }),
        ...plans(6, { model: DEAR, project: "easy", outputTokens: 60_000, acceptance: 0.35 }),
      ],
      3,
    );
    const result = await compare(userScope(team), [`model:${CHEAP}`, `model:${DEAR}`]);
    expect(result.verdict.kind).toBe("too-few-runs");
    expect(result.verdict.winner).toBeNull();
    // Each cohort needs at least MIN_RUNS runs: 14 more at the least.
    for (const more of result.verdict.moreRunsNeeded!) expect(more === null || more >= MIN_RUNS - 6).toBe(true);
    expect(result.verdict.text).toMatch(/Not enough evidence: a verdict needs at least 20 runs/);
  });
});

describe("like for like", () => {
  it("does not let the cohort that got the easy tasks look cheap", async () => {
    const team = await createTestTeam("compare-mix");
    // Within each project the two models are drawn alike (the hard project costs ten times as
    // much); the cheap model got mostly the easy project, the dear one mostly the hard one.
    await generate(
      team,
      [
        ...plans(72, { model: CHEAP, project: "easy", outputTokens: 10_000, acceptance: 0.6 }),
        ...plans(8, { model: CHEAP, project: "hard", outputTokens: 100_000, acceptance: 0.6 }),
        ...plans(8, { model: DEAR, project: "easy", outputTokens: 6_000, acceptance: 0.6 }),
        ...plans(72, { model: DEAR, project: "hard", outputTokens: 60_000, acceptance: 0.6 }),
      ],
      4,
    );
    const cohorts = [`model:${CHEAP}`, `model:${DEAR}`];
    // Unmatched, the mix of tasks makes a confident but wrong winner.
    const raw = await compare(userScope(team), cohorts, "none");
    expect(raw.verdict.kind).toBe("winner");
    expect(raw.verdict.winner).toBe(`model:${CHEAP}`);
    // Matched within projects, the figures come close and no winner is called.
    const matched = await compare(userScope(team), cohorts);
    expect(matched.verdict.kind).not.toBe("winner");
    const [cheap, dear] = matched.cohorts.map((cohort) => cohort.matched.costPerAcceptedUsd!);
    const [rawCheap, rawDear] = raw.cohorts.map((cohort) => cohort.costPerAcceptedUsd!);
    expect(rawDear! / rawCheap!).toBeGreaterThan(3);
    expect(Math.abs(Math.log(dear! / cheap!))).toBeLessThan(Math.log(1.6));
    expect(matched.matching.strata).toEqual([
      { key: "easy", weight: 0.5, runs: [72, 8] },
      { key: "hard", weight: 0.5, runs: [8, 72] },
    ]);
    expect(matched.matching.description).toMatch(/Matched by project/);
  });
});
