/**
 * Waste means waste, on Postgres with real traces: over random sequences of outcome decisions,
 * marking a run accepted never raises the waste total; only runs marked rejected or abandoned carry
 * the whole-cost finding (a run with no outcome is unknown, not waste); the waste API, the Waste
 * page's query and the outcomes panel's query agree on spend and on the spend not accepted; and
 * findings do not depend on when they were computed.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { GET as getOutcomeCost } from "@/app/api/v1/outcomes/cost/route";
import { GET as getWaste } from "@/app/api/v1/waste/route";
import { closeDb, db } from "@/lib/db/client";
import { table } from "@/lib/db/tables";
import { type OutcomeSource, recordOutcomes } from "@/lib/outcomes/record-outcome";
import { createTestTeam, type TestTeam, userScope } from "@/lib/testing/fixtures";
import { ingestFixtureFolder, wholeRange } from "@/lib/testing/ingest-fixtures";
import { wasteByGroup } from "./queries/waste-by-group";
import { recomputeTeamFindings } from "./recompute";

const Finding = table("Finding");
const Run = table("Run");

let team: TestTeam;
let runs: { id: string; costUsd: number }[];

beforeAll(async () => {
  team = await createTestTeam("waste-outcomes");
  await ingestFixtureFolder(userScope(team), "spotter/test/fixtures/transcripts");
  runs = await db().$queryRaw<{ id: string; costUsd: number }[]>`
    SELECT ${Run.id}::text AS id, ${Run.costUsd}::float8 AS "costUsd" FROM ${Run.$} WHERE ${Run.teamId} = ${team.teamId}::uuid ORDER BY ${Run.startedAt}, id`;
});

afterAll(closeDb);

const range = `from=${wholeRange.from}&to=${wholeRange.to}`;
const read = (path: string) =>
  new Request(`http://test${path}`, { headers: { authorization: `Bearer ${team.readKey}` } });

async function wasteApi(): Promise<{ totals: { wastedUsd: number; spendUsd: number; unacceptedSpendUsd: number } }> {
  return (await getWaste(read(`/api/v1/waste?${range}`), {})).json();
}

async function findingRows() {
  return db().$queryRaw<{ runId: string; category: string; wastedUsd: string; callIds: string; explanation: string }[]>`
    SELECT ${Finding.runId}::text AS "runId", ${Finding.category}, ${Finding.wastedUsd}::text AS "wastedUsd", ${Finding.callIds}::text AS "callIds", ${Finding.explanation}
    FROM ${Finding.$} WHERE ${Finding.teamId} = ${team.teamId}::uuid ORDER BY "runId", ${Finding.category}, "wastedUsd", ${Finding.explanation}`;
}

describe("waste and outcomes", () => {
  it("counts no run without a recorded outcome as waste, however old", async () => {
    expect(runs.length).toBeGreaterThanOrEqual(3);
    // One accepted outcome in the team used to turn every older undecided run into waste.
    await recordOutcomes(
      userScope(team),
      { runIds: [runs[0]!.id], status: "ACCEPTED", source: "manual" },
      { userId: team.adminUserId, apiKeyId: null },
    );
    await recomputeTeamFindings(team.teamId);
    const outcomeFindings = (await findingRows()).filter((finding) => finding.category === "no-accepted-outcome");
    expect(outcomeFindings).toEqual([]);
    const waste = await wasteApi();
    const undecided = runs.slice(1).reduce((sum, run) => sum + run.costUsd, 0);
    // The undecided runs' spend is "not accepted", beside waste, and not in it.
    expect(waste.totals.unacceptedSpendUsd).toBeCloseTo(undecided, 9);
    expect(waste.totals.wastedUsd).toBeLessThan(undecided);
  });

  it("never raises the waste total when a run is marked accepted, over random decision sequences; the pages agree", async () => {
    const statuses = ["ACCEPTED", "REJECTED", "ABANDONED", "PROPOSED"] as const;
    const sources: OutcomeSource[] = ["manual", "api"];
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            run: fc.nat({ max: runs.length - 1 }),
            status: fc.constantFrom(...statuses),
            source: fc.constantFrom(...sources),
          }),
          { minLength: 1, maxLength: 6 },
        ),
        async (decisions) => {
          for (const decision of decisions) {
            const before = (await wasteApi()).totals.wastedUsd;
            await recordOutcomes(
              userScope(team),
              { runIds: [runs[decision.run]!.id], status: decision.status, source: decision.source },
              { userId: team.adminUserId, apiKeyId: null },
            );
            const after = await wasteApi();
            if (decision.status === "ACCEPTED") expect(after.totals.wastedUsd).toBeLessThanOrEqual(before + 1e-9);

            // The whole-cost finding is exactly on the runs marked rejected or abandoned.
            const outcomes = await db().$queryRaw<{ id: string; outcome: string | null }[]>`
              SELECT ${Run.id}::text AS id, ${Run.outcome}::text AS outcome FROM ${Run.$} WHERE ${Run.teamId} = ${team.teamId}::uuid`;
            const wasted = new Set(
              outcomes.filter((run) => run.outcome === "REJECTED" || run.outcome === "ABANDONED").map((run) => run.id),
            );
            const found = new Set(
              (await findingRows())
                .filter((finding) => finding.category === "no-accepted-outcome")
                .map((finding) => finding.runId),
            );
            expect(found).toEqual(wasted);
            // Waste is at least the whole cost of those runs, and the rest is detector findings.
            const rejectedCost = runs.filter((run) => wasted.has(run.id)).reduce((sum, run) => sum + run.costUsd, 0);
            expect(after.totals.wastedUsd).toBeGreaterThanOrEqual(rejectedCost - 1e-9);

            // The waste API, the Waste page's query and the outcomes panel's API agree.
            const page = await wasteByGroup(userScope(team), { ...wholeRange, groupBy: "category" });
            expect(page.totals).toEqual(after.totals);
            const panel = await (await getOutcomeCost(read(`/api/v1/outcomes/cost?${range}&groupBy=week`), {})).json();
            expect(panel.totals.unacceptedSpendUsd).toBe(after.totals.unacceptedSpendUsd);
            expect(panel.totals.spendUsd).toBe(after.totals.spendUsd);
            const accepted = new Set(outcomes.filter((run) => run.outcome === "ACCEPTED").map((run) => run.id));
            const notAccepted = runs.filter((run) => !accepted.has(run.id)).reduce((sum, run) => sum + run.costUsd, 0);
            expect(after.totals.unacceptedSpendUsd).toBeCloseTo(notAccepted, 9);
          }
        },
      ),
      { numRuns: 12 },
    );
  });

  it("finds the same whenever the recompute runs", async () => {
    await recordOutcomes(
      userScope(team),
      { runIds: [runs[1]!.id], status: "REJECTED", source: "manual" },
      { userId: team.adminUserId, apiKeyId: null },
    );
    await recomputeTeamFindings(team.teamId);
    const now = await findingRows();
    expect(now.some((finding) => finding.category === "no-accepted-outcome")).toBe(true);
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      vi.setSystemTime(new Date(Date.now() + 400 * 86_400_000));
      await recomputeTeamFindings(team.teamId);
    } finally {
      vi.useRealTimers();
    }
    expect(await findingRows()).toEqual(now);
  });
});
