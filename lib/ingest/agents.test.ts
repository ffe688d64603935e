/**
 * OpenCode, Gemini CLI, Copilot CLI, Amp and Qwen Code (issue 16) on their real sample files
 * (fixtures/agents/SOURCES.md): `trh analyze` gives the independently computed totals exactly;
 * so do `trh import` (the real CLI), an upload through the real ingest route handler with
 * format=auto, and the spend API reading the real Postgres database; each run keeps its agent as
 * its source; detection tells every format; models of other providers are priced or named unpriced;
 * `trh push` sends the agents' files whole when they change, and nothing is counted twice.
 */
import { execFile } from "node:child_process";
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { POST as postIngest } from "@/app/api/v1/ingest/route";
import { GET as getRuns } from "@/app/api/v1/runs/route";
import { GET as getSpend } from "@/app/api/v1/spend/route";
import { analyzeFiles } from "@/lib/analyze/analyze-files";
import type { AnalyzeReport } from "@/lib/analyze/report";
import { defaultFiles, defaultRoots, detectFileFormat, findTraceFiles } from "@/lib/analyze/trace-files";
import { closeDb, db } from "@/lib/db/client";
import { priceCall } from "@/lib/pricing/price-book";
import { type AgentSample, agentFixturesRoot, agentSamples } from "@/lib/testing/agent-fixtures";
import { createTestTeam, type TestTeam } from "@/lib/testing/fixtures";
import { wholeRange } from "@/lib/testing/ingest-fixtures";
import { startIngestServer } from "@/lib/testing/ingest-server";

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

const tokensOf = (totals: {
  calls: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
}) => ({
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

async function spendTotals(team: TestTeam, groupBy = "model", filters: Record<string, string> = {}) {
  const query = new URLSearchParams({ ...wholeRange, groupBy, ...filters });
  const response = await getSpend(
    new Request(`http://test/api/v1/spend?${query}`, { headers: { authorization: `Bearer ${team.readKey}` } }),
    undefined as never,
  );
  expect(response.status).toBe(200);
  return (await response.json()) as {
    rows: { key: string; costUsd: number }[];
    totals: {
      calls: number;
      inputTokens: number;
      outputTokens: number;
      cacheReadTokens: number;
      cacheWriteTokens: number;
      costUsd: number;
    };
  };
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
  const at = (model: string) =>
    priceCall({
      model,
      timestamp: new Date("2026-06-01T00:00:00Z"),
      uncachedInput: 100_000,
      cacheRead: 0,
      cacheWrite5m: 0,
      cacheWrite1h: 0,
      output: 0,
      speed: "standard",
    });

  it("a provider-qualified name takes that provider's price, else the model's own, else none", () => {
    expect(at("anthropic/claude-sonnet-4-5")).toMatchObject({
      priced: true,
      costUsd: 0.3,
      rule: expect.stringContaining("anthropic/claude-sonnet-4-5"),
    });
    expect(at("openrouter/anthropic/claude-sonnet-4")).toMatchObject({
      priced: true,
      rule: expect.stringContaining("openrouter/"),
    });
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
      for (const file of await sampleFiles(sample))
        expect([file.fileName, detectFileFormat(file.absolutePath)]).toEqual([file.fileName, sample.format]);
    }
  });

  it("passes over an agent's settings beside its logs, and never takes a JSON document for Claude Code", () => {
    expect(detectFileFormat(path.join(agentFixturesRoot, "gemini/v0.61.0/projects.json"))).toBeNull();
    expect(detectFileFormat(path.join(agentFixturesRoot, "opencode/v1.1.65/storage/project/global.json"))).toBeNull();
    // Qwen Code's per-process summary names a sessionId like a Claude Code line; it is Qwen's, and counts nothing.
    expect(detectFileFormat(path.join(agentFixturesRoot, "qwen/v0.24.4/usage_record.jsonl"))).toBe("qwen-code");
  });

  it("the whole samples folder: every file found is one of the agents' and the calls add up", async () => {
    const { files, unreadable } = await findTraceFiles([agentFixturesRoot]);
    expect(unreadable).toEqual([]);
    const report = await analyzeFiles(files, { threads: 0 });
    expect(report.totals.calls).toBe(agentSamples.reduce((sum, sample) => sum + sample.calls, 0));
    expect(report.errors).toEqual([]);
  });
});

describe("default folders and their environment overrides", () => {
  const home = "/home/dev";
  const dirs = (env: Record<string, string>) => defaultRoots(env, home).map((root) => root.dir);

  it("each agent's own default location", () => {
    expect(dirs({})).toEqual(
      expect.arrayContaining([
        "/home/dev/.local/share/opencode",
        "/home/dev/.gemini/tmp",
        "/home/dev/.qwen/projects",
        "/home/dev/.copilot",
        "/home/dev/.local/share/amp/threads",
      ]),
    );
    expect(defaultFiles({}, home)).toEqual([]);
  });

  it("XDG_DATA_HOME, OPENCODE_DB, GEMINI_CLI_HOME, QWEN_RUNTIME_DIR over QWEN_HOME, COPILOT_HOME, AMP_DATA_DIR", () => {
    const env = {
      XDG_DATA_HOME: "/data",
      GEMINI_CLI_HOME: "/g",
      QWEN_HOME: "/qh",
      QWEN_RUNTIME_DIR: "/qr",
      COPILOT_HOME: "/c",
      AMP_DATA_DIR: "/a",
      OPENCODE_DB: "custom.db",
    };
    expect(dirs(env)).toEqual(
      expect.arrayContaining(["/data/opencode", "/g/.gemini/tmp", "/qr/projects", "/c", "/a/threads"]),
    );
    expect(dirs({ QWEN_HOME: "/qh" })).toContain("/qh/projects");
    expect(defaultFiles(env, home)).toEqual(["/data/opencode/custom.db"]);
    expect(defaultFiles({ OPENCODE_DB: "/abs/oc.db" }, home)).toEqual(["/abs/oc.db"]);
  });

  it("in an agent's folder, only its session files: not Gemini CLI's logs.json or settings", async () => {
    const gemini = mkdtempSync(path.join(tmpdir(), "trh-gemini-home-"));
    cpSync(path.join(agentFixturesRoot, "gemini/v0.61.0"), path.join(gemini, ".gemini"), { recursive: true });
    writeFileSync(
      path.join(gemini, ".gemini/tmp/proj/logs.json"),
      JSON.stringify(
        [{ sessionId: "s", messageId: 0, type: "user", message: "hi", timestamp: "2026-11-30T11:48:12.163Z" }],
        null,
        2,
      ),
    );
    const { files, unreadable } = await findTraceFiles([], {
      GEMINI_CLI_HOME: gemini,
      HOME: gemini,
      CLAUDE_CONFIG_DIR: gemini,
      CODEX_HOME: gemini,
      XDG_DATA_HOME: gemini,
      QWEN_HOME: gemini,
      COPILOT_HOME: path.join(gemini, "none"),
    });
    expect(unreadable).toEqual([]);
    expect(files.map((file) => file.fileName).sort()).toEqual([
      "demo-project/chats/session-2026-11-30T11-48-a39fe66b.jsonl",
      "proj/chats/session-2026-11-30T11-48-46a436f7.jsonl",
    ]);
  });
});

describe("the same totals through import, upload and the API on the real database", () => {
  for (const sample of agentSamples) {
    it(`${sample.path}: trh import`, async () => {
      const team = await createTestTeam("agents-import");
      const { stdout } = await run(
        process.execPath,
        ["bin/trh.mjs", "import", path.join(agentFixturesRoot, sample.path), "--team", team.slug, "--json"],
        { env: process.env },
      );
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
            new Request(`http://test/api/v1/ingest?${query}`, {
              method: "POST",
              body: readFileSync(file.absolutePath),
              headers: { authorization: `Bearer ${team.ingestKey}` },
            }),
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
      // Spend by agent, and filtered to it, from the DailySpend rollup.
      const byAgent = await spendTotals(team, "agent");
      expect(byAgent.rows.map((row) => row.key)).toEqual([sample.format]);
      expect((await spendTotals(team, "day", { agent: sample.format })).totals).toEqual(totals);
      expect((await spendTotals(team, "day", { agent: "claude-code" })).totals.calls).toBe(0);
      const runs = await db().run.findMany({ where: { teamId: team.teamId }, select: { source: true } });
      expect(runs.length).toBeGreaterThan(0);
      const runsOf = async (agent: string) => {
        const response = await getRuns(
          new Request(`http://test/api/v1/runs?${new URLSearchParams({ ...wholeRange, agent })}`, {
            headers: { authorization: `Bearer ${team.readKey}` },
          }),
          undefined as never,
        );
        return ((await response.json()) as { runs: { source: string }[] }).runs;
      };
      expect((await runsOf(sample.format)).map((listed) => listed.source)).toEqual(runs.map(() => sample.format));
      expect(await runsOf("claude-code")).toEqual([]);
      expect(new Set(runs.map((stored) => stored.source))).toEqual(new Set([sample.format]));
      const unpriced = await db().call.count({ where: { teamId: team.teamId, priceRule: "unpriced" } });
      expect(unpriced > 0).toBe(sample.unpricedModels.length > 0);
    });
  }

  it("OpenCode: a message both in the database and in leftover JSON storage counts once", async () => {
    const root = mkdtempSync(path.join(tmpdir(), "trh-opencode-both-"));
    const database = path.join(agentFixturesRoot, "opencode/v1.18.33/opencode.db");
    cpSync(database, path.join(root, "opencode.db"));
    // The same message as 1.1.x would have written it as a JSON file (ids inside, no reasoning split).
    const sql = readFileSync(path.join(agentFixturesRoot, "opencode/v1.18.33/opencode.db.sql"), "utf8");
    const row =
      /INSERT INTO message VALUES\('(msg_22c4f03b1001onejDaknv4PRWX)','(ses_[^']+)',\d+,\d+,'(\{[^']+\})'\);/.exec(
        sql,
      )!;
    const message = { id: row[1], sessionID: row[2], ...JSON.parse(row[3]!) };
    const file = path.join(root, "storage/message", row[2]!, `${row[1]}.json`);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(message, null, 2));
    const expected = expectedTokens(agentSamples.find((sample) => sample.path.endsWith("opencode.db"))!);

    const { files } = await findTraceFiles([root]);
    expect(files.map((found) => found.format)).toEqual(["opencode", "opencode"]);
    expect(tokensOf((await analyzeFiles(files, { threads: 0 })).totals)).toEqual(expected);

    const team = await createTestTeam("agents-opencode-both");
    let calls = 0;
    for (const found of files) {
      const response = await postIngest(
        new Request(`http://test/api/v1/ingest?format=auto&file=${encodeURIComponent(found.fileName)}`, {
          method: "POST",
          body: readFileSync(found.absolutePath),
          headers: { authorization: `Bearer ${team.ingestKey}` },
        }),
        undefined as never,
      );
      calls += (await response.json()).calls;
    }
    expect(calls).toBe(expected.calls);
    expect(tokensOf((await spendTotals(team)).totals)).toEqual(expected);
  });

  it("format=opencode accepts the database file; format=amp refuses it, naming what it is", async () => {
    const team = await createTestTeam("agents-format");
    const database = readFileSync(path.join(agentFixturesRoot, "opencode/v1.18.33/opencode.db"));
    const send = (format: string) =>
      postIngest(
        new Request(`http://test/api/v1/ingest?format=${format}&file=opencode.db`, {
          method: "POST",
          body: database,
          headers: { authorization: `Bearer ${team.ingestKey}` },
        }),
        undefined as never,
      );
    const refused = await send("amp");
    expect(refused.status).toBe(400);
    expect((await refused.json()).error.message).toMatch(/opencode\.db looks like opencode, not amp/);
    const accepted = await send("opencode");
    expect(accepted.status).toBe(200);
    expect((await accepted.json()).calls).toBe(4);
  });
});

describe("trh push", () => {
  it("sends every agent's files, again only those that changed, and counts each call once", async () => {
    const team = await createTestTeam("agents-push");
    const { url, server } = await startIngestServer();
    try {
      const dir = mkdtempSync(path.join(tmpdir(), "trh-agents-push-"));
      const traces = path.join(dir, "agents");
      cpSync(agentFixturesRoot, traces, { recursive: true });
      const push = async () => {
        const { stdout } = await run(
          process.execPath,
          ["bin/trh.mjs", "push", traces, "--url", url, "--key", team.ingestKey, "--json"],
          {
            env: { ...process.env, TRH_PUSH_STATE: path.join(dir, "push-state.json") },
          },
        );
        return JSON.parse(stdout) as { files: number; calls: number; duplicates: number; errors: unknown[] };
      };
      const allCalls = agentSamples.reduce((sum, sample) => sum + sample.calls, 0);
      const first = await push();
      expect(first).toMatchObject({ calls: allCalls, duplicates: 0, errors: [] });
      expect(await push()).toMatchObject({ files: 0, calls: 0, duplicates: 0 });
      // A Qwen Code session grows by one call: the file goes again, whole; only the new call counts.
      const qwen = agentSamples.find((sample) => sample.path.startsWith("qwen/v0.24.4"))!;
      const qwenFile = path.join(traces, qwen.path);
      const lastCall = readFileSync(qwenFile, "utf8")
        .split("\n")
        .filter((line) => line.includes('"usageMetadata"'))
        .pop()!;
      appendFileSync(qwenFile, `${lastCall.replace(/"uuid":"[^"]+"/, '"uuid":"pushed-later"')}\n`);
      expect(await push()).toMatchObject({ files: 1, calls: 1, duplicates: qwen.calls, errors: [] });
      const { totals } = await spendTotals(team);
      expect(totals.calls).toBe(allCalls + 1);
    } finally {
      server.close();
    }
  });
});
