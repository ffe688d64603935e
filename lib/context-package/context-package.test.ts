/**
 * The context package on the real Postgres server: generated Claude Code transcripts with a known
 * package, MCP tools and instruction-file reads go through the parser and the writer; the rollup
 * written after ingest, the API and the recommendations must reproduce what was generated, and each
 * recommendation's figure must add up from the calls of the runs it cites.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as getContextPackage } from "@/app/api/v1/context-package/route";
import { closeDb, db } from "@/lib/db/client";
import { table } from "@/lib/db/tables";
import { ingestFile } from "@/lib/ingest/ingest-file";
import {
  expectedPackage,
  generatedTeamRuns,
  runLines,
  SONNET,
  SONNET_PRICE,
} from "@/lib/testing/context-package-traces";
import { createTestTeam, type TestTeam, userScope } from "@/lib/testing/fixtures";
import { recomputeTeamFindings } from "@/lib/waste/recompute";
import { picoUsdToNumber, sumPicoUsd, toPicoUsd } from "./exact-usd";
import { instructionFileRead, mcpServerOf } from "./instruction-files";
import { packageCallCost } from "./measure";
import type { ContextPackageResult, ProjectPackage, RunRow } from "./report";

const Call = table("Call");
const Run = table("Run");
const RunContextPackage = table("RunContextPackage");

let team: TestTeam;
let other: TestTeam;
const range = "from=2026-02-01&to=2026-02-28";
const get = (key: string, query: string) =>
  getContextPackage(
    new Request(`http://test/api/v1/context-package?${query}`, { headers: { authorization: `Bearer ${key}` } }),
    { params: Promise.resolve({}) },
  );
const runIdOf = new Map<string, string>();

beforeAll(async () => {
  [team, other] = await Promise.all([createTestTeam("context"), createTestTeam("context-other")]);
  for (const run of generatedTeamRuns) {
    const body = `${runLines(run).join("\n")}\n`;
    const result = await ingestFile(userScope(team), {
      format: "claude-code",
      fileName: `${run.session}.jsonl`,
      body: {
        bytes: (async function* () {
          yield Buffer.from(body);
        })(),
        gzip: false,
      },
    });
    expect(result.errors).toEqual([]);
    runIdOf.set(run.session, result.runIds[0]!);
  }
});

afterAll(closeDb);

describe("what a tool call reads", () => {
  it("recognizes instruction files by path or in a command, and MCP servers by tool name", () => {
    expect(instructionFileRead("/repo/CLAUDE.md")).toBe("/repo/CLAUDE.md");
    expect(instructionFileRead("cat AGENTS.md && ls")).toBe("AGENTS.md");
    expect(instructionFileRead("C:\\repo\\.cursor\\rules\\style.mdc")).toBe("C:/repo/.cursor/rules/style.mdc");
    expect(instructionFileRead("/home/u/.claude/memory/notes.md")).toBe("/home/u/.claude/memory/notes.md");
    expect(instructionFileRead("/repo/src/claude.ts")).toBeNull();
    expect(instructionFileRead(null)).toBeNull();
    expect(mcpServerOf("mcp__github__search_issues")).toBe("github");
    expect(mcpServerOf("mcp__x")).toBeNull();
    expect(mcpServerOf("Read")).toBeNull();
  });
});

describe("the price paid for the package on one call", () => {
  const call = (tokens: {
    uncachedInput?: number;
    cacheRead?: number;
    cacheWrite5m?: number;
    cacheWrite1h?: number;
  }) => {
    const full = { uncachedInput: 0, cacheRead: 0, cacheWrite5m: 0, cacheWrite1h: 0, ...tokens };
    return {
      id: 1n,
      agentId: null,
      timestamp: new Date("2026-02-10T10:00:00Z"),
      model: SONNET,
      speed: "standard" as const,
      ...full,
      output: 0,
      contextTokens: full.uncachedInput + full.cacheRead + full.cacheWrite5m + full.cacheWrite1h,
      costUsd: 0,
      isApiError: false,
    };
  };
  it("reads the package first from the cache, then from 1-hour and 5-minute writes, then uncached", () => {
    const cost = packageCallCost(
      call({ uncachedInput: 100, cacheRead: 1_000, cacheWrite1h: 500, cacheWrite5m: 700 }),
      2_000,
      [],
    );
    expect(cost).toMatchObject({
      carriedTokens: 2_000,
      fromCacheRead: 1_000,
      fromCacheWrite1h: 500,
      fromCacheWrite5m: 500,
      uncached: 0,
    });
    expect(cost.costUsd).toBeCloseTo(
      1_000 * SONNET_PRICE.read + 500 * SONNET_PRICE.write1h + 500 * SONNET_PRICE.write5m,
      15,
    );
  });
  it("prices the package at the long-context tier of the whole request", () => {
    // claude-sonnet-4-5 above 200k input tokens: cache read $0.60/M instead of $0.30/M.
    const cost = packageCallCost(call({ uncachedInput: 10, cacheRead: 210_000 }), 20_000, []);
    expect(cost.costUsd).toBeCloseTo(20_000 * 0.6e-6, 15);
  });
  it("carries only the call's whole context after a /clear", () => {
    expect(packageCallCost(call({ uncachedInput: 50, cacheRead: 950 }), 20_000, []).carriedTokens).toBe(1_000);
  });
});

describe("the package measured at ingest", () => {
  it("reproduces each generated run's package, calls carried and cost at the prices paid", async () => {
    const stored = await db().$queryRaw<
      {
        runId: string;
        packageTokens: number;
        callsCarried: number;
        usd: string;
        tools: { name: string; uses: number }[];
        files: { path: string; tokens: number; reads: number; readsAfterCompaction: number; carriedUsd: number }[];
      }[]
    >`
      SELECT ${RunContextPackage.runId}::text AS "runId", ${RunContextPackage.packageTokens}, ${RunContextPackage.callsCarried}, ${RunContextPackage.packageCostUsd}::text AS usd, ${RunContextPackage.tools}, ${RunContextPackage.instructionFiles} AS files
      FROM ${RunContextPackage.$} WHERE ${RunContextPackage.teamId} = ${team.teamId}::uuid`;
    expect(stored).toHaveLength(generatedTeamRuns.length);
    for (const run of generatedTeamRuns) {
      const row = stored.find((r) => r.runId === runIdOf.get(run.session))!;
      const expected = expectedPackage(run);
      expect(row.packageTokens).toBe(expected.packageTokens);
      expect(row.callsCarried).toBe(expected.callsCarried);
      expect(Number(row.usd)).toBeCloseTo(expected.packageCostUsd, 12);
      const toolNames = [...run.tools, run.instructionFile.read].sort();
      expect(row.tools.map((tool) => tool.name)).toEqual([...new Set(toolNames)].sort());
      expect(row.files).toHaveLength(1);
      expect(row.files[0]).toMatchObject({
        path: run.instructionFile.path,
        tokens: run.instructionFile.bytes / 4,
        reads: run.compaction ? 2 : 1,
        readsAfterCompaction: expected.instructionReadsAfterCompaction,
      });
      expect(row.files[0]!.carriedUsd).toBeCloseTo(expected.instructionCarriedUsd, 12);
    }
  });

  it("is the same after a recompute of the whole team", async () => {
    const read = () =>
      db().$queryRaw<
        unknown[]
      >`SELECT ${RunContextPackage.runId}, ${RunContextPackage.packageTokens}, ${RunContextPackage.callsCarried}, ${RunContextPackage.packageCostUsd}::text, ${RunContextPackage.tools}, ${RunContextPackage.instructionFiles}, ${RunContextPackage.day} FROM ${RunContextPackage.$} WHERE ${RunContextPackage.teamId} = ${team.teamId}::uuid ORDER BY ${RunContextPackage.runId}`;
    const before = await read();
    await recomputeTeamFindings(team.teamId);
    expect(await read()).toEqual(before);
  });
});

describe("GET /api/v1/context-package", () => {
  it("sums per project and per week, flags the project far above the team's median", async () => {
    const response = await get(team.readKey, `${range}&groupBy=project`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as ContextPackageResult;
    const rows = body.rows as ProjectPackage[];
    const alpha = rows.find((row) => row.key === "alpha")!;
    const beta = rows.find((row) => row.key === "beta")!;
    const expectedOf = (prefix: string) =>
      generatedTeamRuns.filter((run) => run.session.startsWith(prefix)).map(expectedPackage);
    expect(alpha.packageCostUsd).toBeCloseTo(
      expectedOf("alpha").reduce((sum, e) => sum + e.packageCostUsd, 0),
      12,
    );
    expect(alpha.callsCarried).toBe(3 + 3 + 3 + 6);
    expect(alpha.medianPackageTokens).toBe(25_010);
    expect(body.totals.teamMedianPackageTokens).toBe((25_010 + 5_010) / 2);
    expect(alpha.farAboveTeamMedian).toBe(true);
    expect(beta.farAboveTeamMedian).toBe(false);
    expect(alpha.mcpServers).toEqual([
      { server: "github", runsUsing: 4, uses: 4 },
      { server: "linear", runsUsing: 1, uses: 1 },
    ]);
    expect(alpha.weekly.map((week) => week.week)).toEqual(["2026-02-09", "2026-02-16"]);
    expect(alpha.weekly[0]!.packageCostUsd).toBeCloseTo(
      expectedOf("alpha-1")[0]!.packageCostUsd + expectedOf("alpha-2")[0]!.packageCostUsd,
      12,
    );
    expect(alpha.sizeOverTime.map((point) => point.packageTokens)).toEqual([20_010, 20_010, 30_010, 30_010]);
    const [spend] = await db().$queryRaw<
      { usd: number }[]
    >`SELECT sum(${Run.costUsd})::float8 AS usd FROM ${Run.$} WHERE ${Run.teamId} = ${team.teamId}::uuid`;
    expect(body.totals.spendUsd).toBeCloseTo(spend!.usd, 9);
    expect(body.totals.shareOfSpend).toBeCloseTo(body.totals.packageCostUsd / spend!.usd, 12);
  });

  it("gives recommendations whose dollar figures add up from the calls of the runs they cite", async () => {
    const body = (await (await get(team.readKey, `${range}&groupBy=project`)).json()) as ContextPackageResult;
    const kinds = body.recommendations.map((r) => `${r.kind}:${r.project}`).sort();
    expect(kinds).toEqual([
      "far-above-median:alpha",
      "instruction-reread:alpha",
      "instruction-reread:beta",
      "mcp-rarely-used:alpha",
      "package-grew:alpha",
    ]);
    const stored = await db().$queryRaw<{ runId: string; usd: string; files: { carriedUsd: number }[] }[]>`
      SELECT ${RunContextPackage.runId}::text AS "runId", ${RunContextPackage.packageCostUsd}::text AS usd, ${RunContextPackage.instructionFiles} AS files FROM ${RunContextPackage.$} WHERE ${RunContextPackage.teamId} = ${team.teamId}::uuid`;
    for (const recommendation of body.recommendations) {
      expect(recommendation.runIds.length).toBeGreaterThan(0);
      expect(recommendation.text).toContain(formatted(recommendation.usd));
      const cited = stored.filter((row) => recommendation.runIds.includes(row.runId));
      expect(cited).toHaveLength(recommendation.runIds.length);
      if (recommendation.kind === "instruction-reread") {
        expect(recommendation.usd).toBeCloseTo(
          cited.reduce((sum, row) => sum + row.files[0]!.carriedUsd, 0),
          12,
        );
        continue;
      }
      // Exactly the stored runs' sum, and that sum from the cited runs' main-thread calls, priced by hand.
      expect(recommendation.usd).toBe(picoUsdToNumber(sumPicoUsd(cited.map((row) => toPicoUsd(row.usd)))));
      const calls = await db().$queryRaw<
        { runId: string; uncachedInput: number; cacheRead: number; cacheWrite5m: number; cacheWrite1h: number }[]
      >`
        SELECT ${Call.runId}::text AS "runId", ${Call.uncachedInput}, ${Call.cacheRead}, ${Call.cacheWrite5m}, ${Call.cacheWrite1h} FROM ${Call.$}
        WHERE ${Call.teamId} = ${team.teamId}::uuid AND ${Call.runId} = ANY(${recommendation.runIds}::uuid[]) AND ${Call.agentId} IS NULL ORDER BY ${Call.timestamp}`;
      expect(calls).toHaveLength(recommendation.calls);
      let fromCalls = 0;
      for (const runId of recommendation.runIds) {
        const own = calls.filter((call) => call.runId === runId);
        const first = own[0]!;
        const pkg = first.uncachedInput + first.cacheRead + first.cacheWrite5m + first.cacheWrite1h;
        for (const call of own) {
          const read = Math.min(pkg, call.cacheRead);
          const w1h = Math.min(pkg - read, call.cacheWrite1h);
          const w5m = Math.min(pkg - read - w1h, call.cacheWrite5m);
          fromCalls +=
            read * SONNET_PRICE.read +
            w1h * SONNET_PRICE.write1h +
            w5m * SONNET_PRICE.write5m +
            (pkg - read - w1h - w5m) * SONNET_PRICE.input;
        }
      }
      expect(recommendation.usd).toBeCloseTo(fromCalls, 12);
    }
    const mcp = body.recommendations.find((r) => r.kind === "mcp-rarely-used")!;
    expect(mcp.text).toMatch(
      /^MCP server linear's tool definitions ride in alpha's context package, carried on 15 calls \(\$[\d.]+\); its tools were used in 25% of runs \(1 of 4\)\.$/,
    );
    const grew = body.recommendations.find((r) => r.kind === "package-grew")!;
    expect(grew.text).toMatch(
      /^\/home\/dev\/alpha\/CLAUDE\.md grew from 1\.0k to 2\.0k tokens and .* from 20k to 30k on 2026-02-16;/,
    );
    expect(grew.runIds).toEqual([runIdOf.get("alpha-3"), runIdOf.get("alpha-4")]);
    const reread = body.recommendations.find((r) => r.kind === "instruction-reread" && r.project === "alpha")!;
    expect(reread.text).toContain("in 4 of 4 runs of alpha, once again after a compaction");
  });

  it("lists runs for read keys and managers only, and shows another team nothing", async () => {
    const byRun = (await (await get(team.readKey, `${range}&groupBy=run`)).json()) as ContextPackageResult;
    const rows = byRun.rows as RunRow[];
    expect(rows).toHaveLength(generatedTeamRuns.length);
    expect(rows.find((row) => row.key === runIdOf.get("alpha-1"))!.mcpServers).toEqual(["github", "linear"]);
    const { contextPackageReport } = await import("./report");
    await expect(
      contextPackageReport(userScope(team, "MEMBER"), { from: "2026-02-01", to: "2026-02-28", groupBy: "project" }),
    ).resolves.toBeTruthy();
    const otherBody = await (await get(other.readKey, `${range}&groupBy=project`)).json();
    expect(otherBody.rows).toEqual([]);
    expect(otherBody.recommendations).toEqual([]);
    expect((await get(team.readKey, "from=2026-02-10&to=2026-02-01")).status).toBe(400);
    expect((await get(team.readKey, `${range}&groupBy=model`)).status).toBe(400);
    expect((await get(team.ingestKey, range)).status).toBe(403);
  });
});

function formatted(usd: number): string {
  return new Intl.NumberFormat("en-US", {
    style: "currency",
    currency: "USD",
    minimumFractionDigits: usd < 0.01 ? 4 : 2,
    maximumFractionDigits: usd < 0.01 ? 4 : 2,
  }).format(usd);
}
