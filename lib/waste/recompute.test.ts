/**
 * Findings stored at ingest on the real Postgres server: the real fixtures' findings (printed, to
 * be read), recompute idempotency, and both waste APIs with tenancy.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as getRunFindings } from "@/app/api/v1/runs/[id]/findings/route";
import { GET as getRun } from "@/app/api/v1/runs/[id]/route";
import { GET as getWaste } from "@/app/api/v1/waste/route";
import { closeDb, db } from "@/lib/db/client";
import { table } from "@/lib/db/tables";
import { ingestFile } from "@/lib/ingest/ingest-file";
import { assistantLine } from "@/lib/ingest/parsers/__fixtures__/trace-lines";
import { createTestTeam, type TestTeam, userScope } from "@/lib/testing/fixtures";
import { ingestFixtureFolder, wholeRange } from "@/lib/testing/ingest-fixtures";
import { recomputeRunFindings, recomputeTeamFindings } from "./recompute";
import { latestRecomputeJob, startRecomputeJob } from "./recompute-job";

const DailySpend = table("DailySpend");
const Finding = table("Finding");
const Run = table("Run");
const RunCostAnatomy = table("RunCostAnatomy");
const fFinding = table("Finding", "f");
const r = table("Run", "r");

let team: TestTeam;
let other: TestTeam;

const call = (key: string, path: string) =>
  new Request(`http://test${path}`, { headers: { authorization: `Bearer ${key}` } });
const params = (id: string) => ({ params: Promise.resolve({ id }) });
const findingsOf = (teamId: string) =>
  db().$queryRaw<
    {
      runId: string;
      category: string;
      wastedUsd: number;
      wastedTokens: number;
      callIds: string[];
      explanation: string;
      day: string;
    }[]
  >`
    SELECT ${Finding.runId}::text AS "runId", ${Finding.category}, ${Finding.wastedUsd}::float8 AS "wastedUsd", ${Finding.wastedTokens}::float8 AS "wastedTokens", ${Finding.callIds}::text[] AS "callIds",
      ${Finding.explanation}, to_char(${Finding.day}, 'YYYY-MM-DD') AS day
    FROM ${Finding.$} WHERE ${Finding.teamId} = ${teamId}::uuid ORDER BY "runId", ${Finding.category}, "wastedUsd" DESC`;

beforeAll(async () => {
  [team, other] = await Promise.all([createTestTeam("waste"), createTestTeam("waste-other")]);
  for (const folder of ["spotter/test/fixtures/transcripts", "sniffly", "claude-code-viewer", "localpush"])
    await ingestFixtureFolder(userScope(team), folder);
});

afterAll(closeDb);

describe("findings on the real fixtures", () => {
  it("are written at ingest, plausible, and the same after a recompute", async () => {
    const atIngest = await findingsOf(team.teamId);
    expect(atIngest.length).toBeGreaterThan(0);
    const [spend] = await db().$queryRaw<
      { cost: number }[]
    >`SELECT sum(${Run.costUsd})::float8 AS cost FROM ${Run.$} WHERE ${Run.teamId} = ${team.teamId}::uuid`;
    for (const finding of atIngest) {
      expect(finding.wastedUsd).toBeGreaterThan(0);
      expect(finding.wastedUsd).toBeLessThan(spend!.cost);
      expect(finding.callIds.length).toBeGreaterThan(0);
    }
    const progress: number[] = [];
    const result = await recomputeTeamFindings(team.teamId, ({ done }) => progress.push(done));
    expect(progress.at(-1)).toBe(result.runs);
    expect(await findingsOf(team.teamId)).toEqual(atIngest);
  });

  it("recomputes as a job with its progress recorded, one job at a time", async () => {
    const job = await startRecomputeJob(team.teamId);
    expect((await startRecomputeJob(team.teamId)).id).toBe(job.id);
    let latest = await latestRecomputeJob(team.teamId);
    for (let i = 0; i < 100 && latest?.status === "running"; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      latest = await latestRecomputeJob(team.teamId);
    }
    const [runs] = await db().$queryRaw<
      { n: number }[]
    >`SELECT count(*)::int AS n FROM ${Run.$} WHERE ${Run.teamId} = ${team.teamId}::uuid`;
    expect(latest).toMatchObject({ id: job.id, status: "done", done: runs!.n, total: runs!.n });
  });

  it("finds the day as the run's start day (UTC)", async () => {
    const [mismatch] = await db().$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM ${fFinding.$} JOIN ${r.$} ON ${r.teamId} = ${fFinding.teamId} AND ${r.id} = ${fFinding.runId}
      WHERE ${fFinding.teamId} = ${team.teamId}::uuid AND ${fFinding.day} <> (${r.startedAt} AT TIME ZONE 'UTC')::date`;
    expect(mismatch!.n).toBe(0);
  });
});

describe("a crafted transcript through the parser and the writer", () => {
  it("stores the cache miss of an 8 minute pause with its exact price, at ingest", async () => {
    const scope = userScope(await createTestTeam("waste-crafted"));
    const lines = [
      assistantLine({
        sessionId: "crafted",
        messageId: "m1",
        requestId: "r1",
        input: 10,
        cacheWrite5m: 10_000,
        output: 20,
        timestamp: "2026-02-10T10:00:00.000Z",
      }),
      assistantLine({
        sessionId: "crafted",
        messageId: "m2",
        requestId: "r2",
        input: 10,
        cacheRead: 10_000,
        cacheWrite5m: 500,
        output: 20,
        timestamp: "2026-02-10T10:01:00.000Z",
      }),
      assistantLine({
        sessionId: "crafted",
        messageId: "m3",
        requestId: "r3",
        input: 10,
        cacheWrite5m: 10_600,
        output: 20,
        timestamp: "2026-02-10T10:09:00.000Z",
      }),
    ];
    await ingestFile(scope, {
      format: "claude-code",
      fileName: "crafted.jsonl",
      body: {
        bytes: (async function* () {
          yield Buffer.from(`${lines.join("\n")}\n`);
        })(),
        gzip: false,
      },
    });
    const findings = await findingsOf(scope.teamId);
    expect(findings).toHaveLength(1);
    // sonnet-4.5: 10,500 tokens written at $3.75/M instead of read at $0.30/M.
    expect(findings[0]).toMatchObject({ category: "cache-miss", wastedTokens: 10_500, day: "2026-02-10" });
    expect(findings[0]!.wastedUsd).toBeCloseTo((10_500 * (3.75 - 0.3)) / 1e6, 12);
    expect(findings[0]!.explanation).toMatch(/8 minutes after the previous call/);
  });
});

describe("GET /api/v1/waste", () => {
  it("groups by category with totals equal to the findings and spend equal to /spend's", async () => {
    const response = await getWaste(
      call(team.readKey, `/api/v1/waste?from=${wholeRange.from}&to=${wholeRange.to}&groupBy=category`),
      params(""),
    );
    expect(response.status).toBe(200);
    const body = await response.json();
    const stored = await findingsOf(team.teamId);
    expect(body.rows.reduce((sum: number, row: { findings: number }) => sum + row.findings, 0)).toBe(stored.length);
    expect(Object.keys(body.rows[0]).sort()).toEqual(["findings", "key", "wastedUsd"]);
    const [spend] = await db().$queryRaw<
      { cost: number }[]
    >`SELECT sum(${DailySpend.costUsd})::float8 AS cost FROM ${DailySpend.$} WHERE ${DailySpend.teamId} = ${team.teamId}::uuid`;
    expect(body.totals.spendUsd).toBeCloseTo(spend!.cost, 9);
    // No run here has an outcome, so nothing overlaps: the categories add up to the total.
    expect(body.totals.wastedUsd).toBeCloseTo(
      stored.reduce((sum, f) => sum + f.wastedUsd, 0),
      9,
    );
    for (const groupBy of ["owner", "project", "run"]) {
      const grouped = await (
        await getWaste(
          call(team.readKey, `/api/v1/waste?from=${wholeRange.from}&to=${wholeRange.to}&groupBy=${groupBy}`),
          params(""),
        )
      ).json();
      expect(grouped.rows.reduce((sum: number, row: { wastedUsd: number }) => sum + row.wastedUsd, 0)).toBeCloseTo(
        body.totals.wastedUsd,
        9,
      );
    }
  });

  it("counts a rejected run's whole cost once in the totals", async () => {
    const [run] = await db().$queryRaw<{ id: string; cost: number; found: number }[]>`
      SELECT ${r.id}::text AS id, ${r.costUsd}::float8 AS cost, sum(${fFinding.wastedUsd})::float8 AS found FROM ${r.$}
      JOIN ${fFinding.$} ON ${fFinding.teamId} = ${r.teamId} AND ${fFinding.runId} = ${r.id} WHERE ${r.teamId} = ${team.teamId}::uuid
      GROUP BY ${r.id}, ${r.costUsd} ORDER BY count(*) DESC LIMIT 1`;
    const url = `/api/v1/waste?from=${wholeRange.from}&to=${wholeRange.to}`;
    const before = await (await getWaste(call(team.readKey, url), params(""))).json();
    await db()
      .$executeRaw`UPDATE ${Run.$} SET ${Run.outcome} = 'REJECTED' WHERE ${Run.teamId} = ${team.teamId}::uuid AND ${Run.id} = ${run!.id}::uuid`;
    await recomputeRunFindings(team.teamId, [run!.id]);
    const after = await (await getWaste(call(team.readKey, url), params(""))).json();
    expect(after.totals.wastedUsd).toBeCloseTo(before.totals.wastedUsd - run!.found + run!.cost, 9);
    const rejected = after.rows.find((row: { key: string }) => row.key === "no-accepted-outcome");
    expect(rejected.wastedUsd).toBeCloseTo(run!.cost, 9);
    await db()
      .$executeRaw`UPDATE ${Run.$} SET ${Run.outcome} = NULL WHERE ${Run.teamId} = ${team.teamId}::uuid AND ${Run.id} = ${run!.id}::uuid`;
    await recomputeRunFindings(team.teamId, [run!.id]);
  });

  it("refuses owner and run grouping to members, and shows another team nothing", async () => {
    const { wasteByGroup } = await import("./queries/waste-by-group");
    const member = await wasteByGroup(userScope(team, "MEMBER"), { ...wholeRange, groupBy: "category" });
    expect(member.rows.length).toBeGreaterThan(0);
    const otherTeam = await (
      await getWaste(call(other.readKey, `/api/v1/waste?from=${wholeRange.from}&to=${wholeRange.to}`), params(""))
    ).json();
    expect(otherTeam).toEqual({ rows: [], totals: { wastedUsd: 0, spendUsd: 0, unacceptedSpendUsd: 0 } });
    const bad = await getWaste(call(team.readKey, "/api/v1/waste?groupBy=model"), params(""));
    expect(bad.status).toBe(400);
  });
});

describe("GET /api/v1/runs/{id}/findings", () => {
  it("lists a run's findings in docs/CONTRACT.md's shape, and answers 404 to another team", async () => {
    const [run] = await db().$queryRaw<
      { id: string }[]
    >`SELECT ${Finding.runId}::text AS id FROM ${Finding.$} WHERE ${Finding.teamId} = ${team.teamId}::uuid LIMIT 1`;
    const response = await getRunFindings(call(team.readKey, `/api/v1/runs/${run!.id}/findings`), params(run!.id));
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.findings.length).toBeGreaterThan(0);
    for (const finding of body.findings) {
      expect(Object.keys(finding).sort()).toEqual([
        "callIds",
        "callOrdinals",
        "category",
        "explanation",
        "wastedTokens",
        "wastedUsd",
      ]);
      expect(finding.callIds.every((id: unknown) => typeof id === "string")).toBe(true);
    }
    const foreign = await getRunFindings(call(other.readKey, `/api/v1/runs/${run!.id}/findings`), params(run!.id));
    expect(foreign.status).toBe(404);
    const malformed = await getRunFindings(call(team.readKey, "/api/v1/runs/nope/findings"), params("nope"));
    expect(malformed.status).toBe(404);
  });

  it("cites each call by its number in the run: the timeline's row with that number is the cited call", async () => {
    const runs = await db().$queryRaw<
      { id: string }[]
    >`SELECT DISTINCT ${Finding.runId}::text AS id FROM ${Finding.$} WHERE ${Finding.teamId} = ${team.teamId}::uuid`;
    let checked = 0;
    for (const { id } of runs) {
      const { findings } = await (
        await getRunFindings(call(team.readKey, `/api/v1/runs/${id}/findings`), params(id))
      ).json();
      const { calls } = await (await getRun(call(team.readKey, `/api/v1/runs/${id}`), params(id))).json();
      expect(calls.map((c: { ordinal: number }) => c.ordinal)).toEqual(calls.map((_: unknown, i: number) => i + 1));
      for (const finding of findings as { callIds: string[]; callOrdinals: number[] }[]) {
        expect(finding.callOrdinals).toHaveLength(finding.callIds.length);
        finding.callOrdinals.forEach((ordinal, i) => {
          // The timeline's row "ordinal" is calls[ordinal - 1]: the same call the finding names by id.
          expect(calls[ordinal - 1].id).toBe(finding.callIds[i]);
          checked++;
        });
      }
    }
    // The fixtures' findings cite calls that are not the first of a run: ordinals and ids differ there.
    expect(checked).toBeGreaterThan(0);
    expect(runs.length).toBeGreaterThan(1);
  });

  it("answers 404 for the findings of another team's run or a malformed id", async () => {
    const [run] = await db().$queryRaw<
      { id: string }[]
    >`SELECT ${Finding.runId}::text AS id FROM ${Finding.$} WHERE ${Finding.teamId} = ${team.teamId}::uuid LIMIT 1`;
    const foreign = await getRunFindings(call(other.readKey, `/api/v1/runs/${run!.id}/findings`), params(run!.id));
    expect(foreign.status).toBe(404);
    const malformed = await getRunFindings(call(team.readKey, "/api/v1/runs/nope/findings"), params("nope"));
    expect(malformed.status).toBe(404);
  });
});

describe("the recompute after an ingest", () => {
  it("runs for the runs whose calls changed: not for a file sent again, again once it grows", async () => {
    const scope = userScope(await createTestTeam("recompute-changed"));
    const line = (i: number) =>
      assistantLine({
        sessionId: "changed",
        messageId: `m${i}`,
        requestId: `r${i}`,
        input: 10,
        cacheWrite5m: i === 2 ? 10_600 : 0,
        cacheRead: i === 1 ? 10_000 : 0,
        output: 20,
        timestamp: `2026-02-10T10:0${i * 4}:00.000Z`,
      });
    const send = (count: number) =>
      ingestFile(scope, {
        format: "claude-code",
        fileName: "changed.jsonl",
        body: {
          bytes: (async function* () {
            yield Buffer.from(`${Array.from({ length: count }, (_, i) => line(i)).join("\n")}\n`);
          })(),
          gzip: false,
        },
      });
    // A row's xmin is the transaction that wrote it: a recompute rewrites the run's rows.
    const written = async () =>
      (
        await db().$queryRaw<{ xmin: string; calls: number }[]>`
          SELECT xmin::text, ${RunCostAnatomy.calls} FROM ${RunCostAnatomy.$} WHERE ${RunCostAnatomy.teamId} = ${scope.teamId}::uuid`
      )[0];
    await send(2);
    const first = await written();
    expect(first?.calls).toBe(2);
    await send(2);
    expect(await written()).toEqual(first);
    await send(3);
    const grown = await written();
    expect(grown?.calls).toBe(3);
    expect(grown?.xmin).not.toBe(first?.xmin);
  });
});
