/**
 * Tenancy through the HTTP layer: with two teams, every /api/v1 route answers only with the
 * caller's team's rows and refuses the other team's ids, and scopes are enforced.
 * (The same for browser sessions is in e2e/isolation.spec.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb } from "@/lib/db/client";
import { teamDb } from "@/lib/db/team-db";
import { createTestTeam, type TestTeam } from "@/lib/testing/fixtures";
import { GET as getRun } from "./runs/[id]/route";
import { GET as listRuns } from "./runs/route";
import { GET as getSpend } from "./spend/route";

let teamA: TestTeam;
let teamB: TestTeam;
let runOfB: string;

const call = (key: string, path: string) =>
  new Request(`http://test${path}`, { headers: { authorization: `Bearer ${key}` } });
const params = (id: string) => ({ params: Promise.resolve({ id }) });

beforeAll(async () => {
  [teamA, teamB] = await Promise.all([createTestTeam("iso-a"), createTestTeam("iso-b")]);
  const run = await teamDb(teamB).run.create({
    data: {
      teamId: teamB.teamId,
      source: "claude-code",
      externalId: "session-b",
      startedAt: new Date("2026-11-01T10:00:00Z"),
      endedAt: new Date("2026-11-01T11:00:00Z"),
      costUsd: 1.5,
      calls: 3,
    },
  });
  runOfB = run.id;
});

afterAll(closeDb);

describe("API isolation between teams", () => {
  it("gives a run to its own team's read key", async () => {
    const response = await getRun(call(teamB.readKey, `/api/v1/runs/${runOfB}`), params(runOfB));
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.run.externalId).toBe("session-b");
    expect(body.calls).toEqual([]);
  });

  it("answers 404 for another team's run id", async () => {
    const response = await getRun(call(teamA.readKey, `/api/v1/runs/${runOfB}`), params(runOfB));
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: "not_found", message: "run not found" } });
  });

  it("lists only the caller's runs and spend", async () => {
    const listA = await (
      await listRuns(call(teamA.readKey, "/api/v1/runs?from=2026-10-01&to=2026-11-30"), params(""))
    ).json();
    expect(listA.runs).toEqual([]);
    const listB = await (
      await listRuns(call(teamB.readKey, "/api/v1/runs?from=2026-10-01&to=2026-11-30"), params(""))
    ).json();
    expect(listB.runs.map((run: { id: string }) => run.id)).toEqual([runOfB]);
    const spendA = await (
      await getSpend(call(teamA.readKey, "/api/v1/spend?from=2026-10-01&to=2026-11-30"), params(""))
    ).json();
    expect(spendA.totals.costUsd).toBe(0);
  });

  it("refuses an ingest-only key on read routes with 403", async () => {
    const response = await listRuns(call(teamB.ingestKey, "/api/v1/runs"), params(""));
    expect(response.status).toBe(403);
    expect((await response.json()).error.code).toBe("forbidden");
  });

  it("refuses unknown, malformed and revoked keys with 401", async () => {
    const unknown = await listRuns(call(`trh_0123456789ab_${"x".repeat(32)}`, "/api/v1/runs"), params(""));
    expect(unknown.status).toBe(401);
    const malformed = await listRuns(call("nonsense", "/api/v1/runs"), params(""));
    expect(malformed.status).toBe(401);
    await teamDb(teamB).apiKey.updateMany({ where: { name: "read" }, data: { revokedAt: new Date() } });
    const revoked = await getRun(call(teamB.readKey, `/api/v1/runs/${runOfB}`), params(runOfB));
    expect(revoked.status).toBe(401);
    expect((await revoked.json()).error.message).toMatch(/revoked/);
  });

  it("rejects bad parameters as JSON 400", async () => {
    const response = await getSpend(call(teamA.readKey, "/api/v1/spend?from=2026-13-01"), params(""));
    expect(response.status).toBe(400);
    expect((await response.json()).error.code).toBe("invalid_request");
  });
});
