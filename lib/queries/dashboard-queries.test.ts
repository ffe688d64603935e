/**
 * The dashboards' queries on ingested fixtures: the per-day breakdown adds up to the spend API's
 * numbers, the runs list filters, the drill-down and context curves, and members' limits.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as getOutcomeCost } from "@/app/api/v1/outcomes/cost/route";
import { GET as getRun } from "@/app/api/v1/runs/[id]/route";
import { GET as listRuns } from "@/app/api/v1/runs/route";
import type { Scope } from "@/lib/auth/scope";
import { closeDb } from "@/lib/db/client";
import { teamDb } from "@/lib/db/team-db";
import { contextPoints } from "@/lib/runs/context-points";
import { createTestTeam, type TestTeam, userScope } from "@/lib/testing/fixtures";
import { expectedFixtureTotals, ingestFixtureFolder, wholeRange } from "@/lib/testing/ingest-fixtures";
import { dailySpendByGroup } from "./daily-spend-by-group";
import { filterChoices } from "./filter-choices";
import { latestSpendDay } from "./latest-spend-day";
import { projectContextCurve } from "./project-context-curve";
import { runDetail } from "./run-detail";
import { runsList } from "./runs-list";
import { spendByGroup } from "./spend-by-group";

const spotter = "spotter/test/fixtures/transcripts";
let team: TestTeam;
let scope: Scope;

beforeAll(async () => {
  team = await createTestTeam("dash");
  scope = userScope(team);
  await ingestFixtureFolder(scope, spotter);
});

afterAll(closeDb);

const readCall = (path: string) =>
  new Request(`http://test${path}`, { headers: { authorization: `Bearer ${team.readKey}` } });

describe("overview queries", () => {
  it("stack per day to exactly the spend API's days and total", async () => {
    const byDay = await spendByGroup(scope, { ...wholeRange, groupBy: "day" });
    expect(Math.abs(byDay.totals.costUsd - expectedFixtureTotals[spotter]!.costUsd)).toBeLessThanOrEqual(1e-6);
    for (const stackBy of ["owner", "project", "task", "model"] as const) {
      const parts = await dailySpendByGroup(scope, { ...wholeRange, stackBy });
      for (const day of byDay.rows) {
        const sum = parts.filter((part) => part.day === day.key).reduce((total, part) => total + part.costUsd, 0);
        expect(sum).toBeCloseTo(day.costUsd, 9);
      }
    }
    const models = await dailySpendByGroup(scope, { ...wholeRange, stackBy: "model" });
    expect(new Set(models.map((part) => part.key))).toEqual(
      new Set((await spendByGroup(scope, { ...wholeRange, groupBy: "model" })).rows.map((row) => row.key)),
    );
  });

  it("know the last day with spend and the filter choices", async () => {
    const byDay = await spendByGroup(scope, { ...wholeRange, groupBy: "day" });
    expect(await latestSpendDay(scope)).toBe(byDay.rows.at(-1)!.key);
    const choices = await filterChoices(scope);
    expect(choices.models.length).toBeGreaterThan(0);
    expect(choices.projects).toContain("unallocated");
  });
});

describe("runs list", () => {
  it("filters by model, owner and project, in the API as on the page", async () => {
    const all = await runsList(scope, { ...wholeRange, sort: "cost", limit: 100 });
    expect(all.length).toBeGreaterThan(1);
    expect(all.map((run) => run.costUsd)).toEqual([...all.map((run) => run.costUsd)].sort((a, b) => b - a));
    const model = all[0]!.model!;
    const byModel = await runsList(scope, { ...wholeRange, sort: "cost", limit: 100, model });
    expect(byModel.length).toBeGreaterThan(0);
    expect(byModel.every((run) => run.model === model || run.model !== null)).toBe(true);
    expect(await runsList(scope, { ...wholeRange, sort: "cost", limit: 100, model: "no-such-model" })).toEqual([]);
    // Discovery owns the runs from /home/marco; the /home/USER worktrees name nobody.
    const unowned = all.filter((run) => run.owner === null);
    expect(unowned.length).toBeGreaterThan(0);
    expect(
      (await runsList(scope, { ...wholeRange, sort: "cost", limit: 100, owner: "unallocated" }))
        .map((run) => run.id)
        .sort(),
    ).toEqual(unowned.map((run) => run.id).sort());
    expect(await runsList(scope, { ...wholeRange, sort: "cost", limit: 100, project: "no-such-project" })).toEqual([]);

    const response = await listRuns(
      readCall(`/api/v1/runs?from=2000-01-01&to=2100-12-31&sort=calls&model=${encodeURIComponent(model)}`),
      {},
    );
    const body = await response.json();
    expect(response.status).toBe(200);
    expect(body.runs.map((run: { id: string }) => run.id).sort()).toEqual(byModel.map((run) => run.id).sort());
    expect(Object.keys(body.runs[0]).sort()).toEqual(
      expect.arrayContaining([
        "id",
        "externalId",
        "startedAt",
        "owner",
        "project",
        "task",
        "model",
        "inputTokens",
        "outputTokens",
        "cacheWriteTokens",
        "cacheReadTokens",
        "costUsd",
        "calls",
        "outcome",
      ]),
    );
  });

  it("shows members only their own runs", async () => {
    const memberScope = userScope(team, "MEMBER", team.adminUserId);
    expect(await runsList(memberScope, { ...wholeRange, sort: "cost", limit: 100 })).toEqual([]);
  });
});

describe("run drill-down", () => {
  it("gives every call in order with its tool calls, and chart points that add up to the run", async () => {
    const [top] = await runsList(scope, { ...wholeRange, sort: "calls", limit: 1 });
    const detail = (await runDetail(scope, top!.id))!;
    expect(detail.calls).toHaveLength(top!.calls);
    const timestamps = detail.calls.map((call) => call.timestamp);
    expect(timestamps).toEqual([...timestamps].sort());
    expect(detail.calls.some((call) => call.toolCalls.length > 0)).toBe(true);
    const points = contextPoints(detail.calls);
    expect(points.at(-1)!.cumulativeCostUsd).toBeCloseTo(top!.costUsd, 9);
    for (const point of points)
      expect(point.uncachedInput + point.cacheRead + point.cacheWrite).toBe(point.contextTokens);

    const response = await getRun(readCall(`/api/v1/runs/${top!.id}`), { params: Promise.resolve({ id: top!.id }) });
    expect((await response.json()).calls).toHaveLength(top!.calls);
  });

  it("marks compactions, and the first call of a thread is never a cache miss", async () => {
    const runs = await runsList(scope, { ...wholeRange, sort: "cost", limit: 100 });
    const details = await Promise.all(runs.map((run) => runDetail(scope, run.id)));
    const points = details.flatMap((detail) =>
      contextPoints(detail!.calls).map((point, i) => ({ point, call: detail!.calls[i]! })),
    );
    const compactions = points.filter(({ call }) => call.agentId?.startsWith("acompact"));
    expect(compactions.length).toBeGreaterThan(0);
    expect(compactions.every(({ point }) => point.markers.includes("compaction"))).toBe(true);
    for (const detail of details) expect(contextPoints(detail!.calls)[0]?.markers ?? []).not.toContain("cache-miss");
  });

  it("gives the project's median and p90 context by call index", async () => {
    // Every spotter run, worktrees included, is discovered as one project.
    const { projectId } = await teamDb(scope).run.findFirstOrThrow();
    const curve = await projectContextCurve(scope, projectId);
    expect(curve[0]!.index).toBe(1);
    const runs = await teamDb(scope).run.count();
    expect(await teamDb(scope).run.count({ where: { projectId } })).toBe(runs);
    expect(curve[0]!.runs).toBe(runs);
    for (const point of curve) expect(point.p90ContextTokens).toBeGreaterThanOrEqual(point.medianContextTokens);
  });

  it("answers 404 to another team's run", async () => {
    const other = await createTestTeam("dash-other");
    const [top] = await runsList(scope, { ...wholeRange, sort: "cost", limit: 1 });
    expect(await runDetail(userScope(other), top!.id)).toBeNull();
  });
});

describe("cost per outcome API", () => {
  it("groups by owner for read keys and refuses an unknown grouping", async () => {
    const response = await getOutcomeCost(
      readCall("/api/v1/outcomes/cost?from=2000-01-01&to=2100-12-31&groupBy=owner"),
      {},
    );
    expect(response.status).toBe(200);
    const bad = await getOutcomeCost(readCall("/api/v1/outcomes/cost?groupBy=model"), {});
    expect(bad.status).toBe(400);
  });
});
