/**
 * OpenCode, Gemini CLI, Copilot CLI, Amp and Qwen Code (issue 16) on their real sample files
 * (fixtures/agents/SOURCES.md): `trh analyze` gives the independently computed totals exactly;
 * so do `trh import` (the real CLI), an upload through the real ingest route handler with
 * format=auto, and the spend API reading the real Postgres database; each run keeps its agent as
 * its source; detection tells every format; models of other providers are priced or named unpriced.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { POST as postIngest } from "@/app/api/v1/ingest/route";
import { GET as getSpend } from "@/app/api/v1/spend/route";
import { analyzeFiles } from "@/lib/analyze/analyze-files";
import type { AnalyzeReport } from "@/lib/analyze/report";
import { detectFileFormat, findTraceFiles } from "@/lib/analyze/trace-files";
import { closeDb, db } from "@/lib/db/client";
import { agentFixturesRoot, agentSamples, type AgentSample } from "@/lib/testing/agent-fixtures";
import { createTestTeam, type TestTeam } from "@/lib/testing/fixtures";
import { wholeRange } from "@/lib/testing/ingest-fixtures";
import { priceCall } from "@/lib/pricing/price-book";

afterAll(closeDb);

const run = promisify(execFile);

async function analyzeSample(sample: AgentSample): Promise<AnalyzeReport> {
  const { files, missing, unreadable } = await findTraceFiles([path.join(agentFixturesRoot, sample.path)]);
  expect(missing).toEqual([]);
  expect(unreadable).toEqual([]);
  expect(files.length).toBeGreaterThan(0);
  expect(new Set(files.map((file) => file.format))).toEqual(new Set([sample.format]));
  return analyzeFiles(files, { threads: 0 });
}

const expectedTokens = (sample: AgentSample) => ({
  calls: sample.calls,
  inputTokens: sample.inputTokens,
  outputTokens: sample.outputTokens,
  cacheReadTokens: sample.cacheReadTokens,
  cacheWriteTokens: sample.cacheWriteTokens,
});

const tokensOf = (totals: { calls: number; inputTokens: number; outputTokens: number; cacheReadTokens: number; cacheWriteTokens: number }) => ({
  calls: totals.calls,
  inputTokens: totals.inputTokens,
  outputTokens: totals.outputTokens,
  cacheReadTokens: totals.cacheReadTokens,
  cacheWriteTokens: totals.cacheWriteTokens,
});

/** The files of a sample as `trh analyze` lists them: what the upload page sends, one request each. */
async function sampleFiles(sample: AgentSample) {
  return (await findTraceFiles([path.join(agentFixturesRoot, sample.path)])).files;
}

async function spendTotals(team: TestTeam) {
  const query = new URLSearchParams({ ...wholeRange, groupBy: "model" });
  const response = await getSpend(new Request(`http://test/api/v1/spend?${query}`, { headers: { authorization: `Bearer ${team.readKey}` } }), undefined as never);
  expect(response.status).toBe(200);
  return (await response.json()) as { rows: { key: string; costUsd: number }[]; totals: { calls: number; inputTokens: number; outputTokens: number; cacheReadTokens: number; cacheWriteTokens: number; costUsd: number } };
}

describe("trh analyze on each sample gives SOURCES.md's totals", () => {
  for (const sample of agentSamples) {
    it(sample.path, async () => {
      const report = await analyzeSample(sample);
      expect(tokensOf(report.totals)).toEqual(expectedTokens(sample));
      expect(report.errors).toEqual([]);
      expect(report.unpricedModels).toEqual(sample.unpricedModels);
    });
  }

  it("prices Gemini at Google's list price: 3808 x $0.50 + 942 x $3 + 11526 x $0.05 per million", async () => {
    const report = await analyzeSample(agentSamples.find((sample) => sample.path.startsWith("gemini/ccusage"))!);
    expect(report.totals.costUsd).toBeCloseTo((3808 * 0.5 + 942 * 3 + 11526 * 0.05) / 1e6, 12);
  });

  it("OpenCode 1.18.33: the Anthropic calls cost what OpenCode itself recorded (session.cost 0.0120279; the mock model it priced at 0 is unpriced here)", async () => {
    const report = await analyzeSample(agentSamples.find((sample) => sample.path.endsWith("opencode.db"))!);
    expect(report.totals.costUsd).toBeCloseTo(0.0120279, 10);
  });
});

describe("prices of other providers' models", () => {
  // 100,000 uncached input tokens: below every long-context tier; Sonnet 4.5 at $3 per million.
  const at = (model: string) => priceCall({ model, timestamp: new Date("2026-06-01T00:00:00Z"), uncachedInput: 100_000, cacheRead: 0, cacheWrite5m: 0, cacheWrite1h: 0, output: 0, speed: "standard" });

  it("a provider-qualified name takes that provider's price, else the model's own, else none", () => {
    expect(at("anthropic/claude-sonnet-4-5")).toMatchObject({ priced: true, costUsd: 0.3, rule: expect.stringContaining("anthropic/claude-sonnet-4-5") });
    expect(at("openrouter/anthropic/claude-sonnet-4")).toMatchObject({ priced: true, rule: expect.stringContaining("openrouter/") });
    expect(at("github-copilot/claude-sonnet-4.5")).toMatchObject({ priced: true, costUsd: 0.3 });
    expect(at("google/gemini-2.5-pro")).toMatchObject({ priced: true, rule: expect.stringContaining("google/") });
    expect(at("gpt-5.4-mini")).toMatchObject({ priced: true, rule: expect.stringContaining("openai/") });
    expect(at("mockai/qwen3-coder-plus")).toMatchObject({ priced: false, rule: "unpriced" });
    expect(at("coder-model")).toMatchObject({ priced: false });
  });
});

describe("format detection", () => {
  it("tells every sample file's format by its content", async () => {
    for (const sample of agentSamples) {
      for (const file of await sampleFiles(sample)) expect([file.fileName, detectFileFormat(file.absolutePath)]).toEqual([file.fileName, sample.format]);
    }
  });

  it("passes over an agent's settings beside its logs, and never takes a JSON document for Claude Code", () => {
    expect(detectFileFormat(path.join(agentFixturesRoot, "gemini/v0.61.0/projects.json"))).toBeNull();
    expect(detectFileFormat(path.join(agentFixturesRoot, "opencode/v1.1.65/storage/project/global.json"))).toBeNull();
  });
});

describe("the same totals through import, upload and the API on the real database", () => {
  for (const sample of agentSamples) {
    it(`${sample.path}: trh import`, async () => {
      const team = await createTestTeam("agents-import");
      const { stdout } = await run(process.execPath, ["bin/trh.mjs", "import", path.join(agentFixturesRoot, sample.path), "--team", team.slug, "--json"], { env: process.env });
      const result = JSON.parse(stdout) as { calls: number; errors: unknown[]; unpricedModels: string[] };
      expect(result).toMatchObject({ calls: sample.calls, errors: [], unpricedModels: sample.unpricedModels });
      const { totals } = await spendTotals(team);
      expect(tokensOf(totals)).toEqual(expectedTokens(sample));
      const analyzed = await analyzeSample(sample);
      expect(Math.abs(totals.costUsd - analyzed.totals.costUsd)).toBeLessThanOrEqual(1e-9);
    });

    it(`${sample.path}: upload with format=auto, twice`, async () => {
      const team = await createTestTeam("agents-upload");
      const upload = async () => {
        let calls = 0;
        let duplicates = 0;
        for (const file of await sampleFiles(sample)) {
          const query = new URLSearchParams({ format: "auto", file: file.fileName });
          const response = await postIngest(
            new Request(`http://test/api/v1/ingest?${query}`, { method: "POST", body: readFileSync(file.absolutePath), headers: { authorization: `Bearer ${team.ingestKey}` } }),
            undefined as never,
          );
          const body = await response.json();
          expect([file.fileName, response.status, body.errors]).toEqual([file.fileName, 200, []]);
          calls += body.calls;
          duplicates += body.duplicates;
        }
        return { calls, duplicates };
      };
      expect(await upload()).toEqual({ calls: sample.calls, duplicates: 0 });
      expect(await upload()).toEqual({ calls: 0, duplicates: sample.calls });
      const { totals, rows } = await spendTotals(team);
      expect(tokensOf(totals)).toEqual(expectedTokens(sample));
      for (const model of sample.unpricedModels) expect(rows.find((row) => row.key === model)?.costUsd).toBe(0);
      const runs = await db().run.findMany({ where: { teamId: team.teamId }, select: { source: true } });
      expect(runs.length).toBeGreaterThan(0);
      expect(new Set(runs.map((stored) => stored.source))).toEqual(new Set([sample.format]));
      const unpriced = await db().call.count({ where: { teamId: team.teamId, priceRule: "unpriced" } });
      expect(unpriced > 0).toBe(sample.unpricedModels.length > 0);
    });
  }

  it("format=opencode accepts the database file; format=amp refuses it, naming what it is", async () => {
    const team = await createTestTeam("agents-format");
    const database = readFileSync(path.join(agentFixturesRoot, "opencode/v1.18.33/opencode.db"));
    const send = (format: string) =>
      postIngest(new Request(`http://test/api/v1/ingest?format=${format}&file=opencode.db`, { method: "POST", body: database, headers: { authorization: `Bearer ${team.ingestKey}` } }), undefined as never);
    const refused = await send("amp");
    expect(refused.status).toBe(400);
    expect((await refused.json()).error.message).toMatch(/opencode\.db looks like opencode, not amp/);
    const accepted = await send("opencode");
    expect(accepted.status).toBe(200);
    expect((await accepted.json()).calls).toBe(4);
  });
});
