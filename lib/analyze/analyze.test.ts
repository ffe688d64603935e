import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { assistantLine, codexLine, codexTokenCount } from "../ingest/parsers/__fixtures__/trace-lines";
import { analyzeFiles } from "./analyze-files";
import type { AnalyzeReport } from "./report";
import { defaultRoots, listTraceFiles } from "./trace-files";

const REPO = path.resolve(import.meta.dirname, "../..");
const REAL = path.join(REPO, "fixtures/real");

/** As `trh analyze` does: files listed, their formats told by the threads that read them. */
async function analyzePaths(paths: string[], threads = 0): Promise<AnalyzeReport> {
  const { files, missing } = await listTraceFiles(paths);
  expect(missing).toEqual([]);
  return analyzeFiles(files, { threads });
}

const tokensOf = (report: AnalyzeReport) => {
  const { inputTokens, outputTokens, cacheWriteTokens, cacheReadTokens, calls } = report.totals;
  return { inputTokens, outputTokens, cacheWriteTokens, cacheReadTokens, calls };
};

describe("real traces (fixtures/real/SOURCES.md expected totals)", () => {
  const expected = [
    {
      set: "spotter/test/fixtures/transcripts",
      calls: 33,
      inputTokens: 4_097,
      outputTokens: 1_962,
      cacheWriteTokens: 156_125,
      cacheReadTokens: 1_325_292,
      costUsd: 1.564895,
    },
    {
      set: "sniffly",
      calls: 28,
      inputTokens: 179,
      outputTokens: 2_544,
      cacheWriteTokens: 32_072,
      cacheReadTokens: 548_313,
      costUsd: 0.323461,
    },
    {
      set: "claude-code-viewer",
      calls: 29,
      inputTokens: 422,
      outputTokens: 4_602,
      cacheWriteTokens: 60_445,
      cacheReadTokens: 427_478,
      costUsd: 0.425208,
    },
  ];
  for (const { set, costUsd, ...tokens } of expected) {
    it(set, async () => {
      const report = await analyzePaths([path.join(REAL, set)]);
      expect(tokensOf(report)).toEqual(tokens);
      expect(Math.abs(report.totals.costUsd - costUsd)).toBeLessThanOrEqual(1e-6);
      expect(report.unpricedModels).toEqual([]);
      expect(report.errors).toEqual([]);
    });
  }

  it("spotter per-model costs", async () => {
    const report = await analyzePaths([path.join(REAL, "spotter")]);
    const cost = (model: string) => report.models.find((row) => row.model === model)!.costUsd;
    expect(Math.abs(cost("claude-opus-4-6") - 1.027572)).toBeLessThanOrEqual(1e-6);
    expect(Math.abs(cost("claude-sonnet-4-5-20250929") - 0.537323)).toBeLessThanOrEqual(1e-6);
  });

  it("each Codex session of localpush", async () => {
    const report = await analyzePaths([path.join(REAL, "localpush")]);
    const expectedSessions: Record<string, [number, number, number, number]> = {
      "019c8a4c-ed82-79a1-aa28-7738fc5ab61a": [7_204_025, 6_836_352, 36_075, 2.344839],
      "019c8a4d-8f45-7010-8b5d-7fad920aa6f9": [1_751_428, 1_651_968, 14_600, 0.667549],
      "019c8a53-a0dd-7130-bcd7-95445d84846a": [6_740_973, 6_337_024, 36_950, 2.33319],
      "019c8a70-dda7-7f33-98ea-f30553347322": [34_469, 3_456, 431, 0.060912],
      "019c8bfe-ec25-79e0-97d7-bda6a9c575ff": [298_373, 238_848, 1_123, 0.161689],
    };
    expect(report.sessions.map((row) => row.sessionId).sort()).toEqual(Object.keys(expectedSessions).sort());
    for (const row of report.sessions) {
      const [input, cached, output, cost] = expectedSessions[row.sessionId]!;
      expect([row.inputTokens + row.cacheReadTokens, row.cacheReadTokens, row.outputTokens]).toEqual([
        input,
        cached,
        output,
      ]);
      expect(Math.abs(row.costUsd - cost)).toBeLessThanOrEqual(1e-6);
    }
  });

  it("gives the same report, to the last row and cent, from worker threads", async () => {
    // Summaries are folded in queue order whichever thread read them (analyze-files.ts).
    const inProcess = await analyzePaths([REAL], 0);
    expect(await analyzePaths([REAL], 1)).toEqual(inProcess);
    expect(await analyzePaths([REAL], 3)).toEqual(inProcess);
  });
});

describe("file discovery", () => {
  it("warns of a JSONL file no agent wrote and passes over an agent's settings, with any number of threads", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "trh-analyze-foreign-"));
    try {
      writeFileSync(path.join(dir, "session.jsonl"), `${assistantLine({ output: 7 })}\n`);
      writeFileSync(path.join(dir, "notes.jsonl"), '{"note":"not a trace"}\n');
      writeFileSync(path.join(dir, "settings.json"), '{"theme":"dark"}\n');
      const report = await analyzePaths([dir], 0);
      expect(report.totals).toMatchObject({ calls: 1, outputTokens: 7 });
      expect(report.errors).toEqual([
        { file: path.join(dir, "notes.jsonl"), line: 0, message: "not a trace of a known agent" },
      ]);
      expect(await analyzePaths([dir], 2)).toEqual(report);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("uses every CLAUDE_CONFIG_DIR and CODEX_HOME root", () => {
    // The other agents' folders follow these (lib/ingest/agents.test.ts).
    const roots = defaultRoots({ CLAUDE_CONFIG_DIR: "/a, /b", CODEX_HOME: "/c" }, "/home/me").map((root) => root.dir);
    expect(roots.slice(0, 4)).toEqual(["/a/projects", "/b/projects", "/c/sessions", "/c/archived_sessions"]);
    expect(
      defaultRoots({}, "/home/me")
        .map((root) => root.dir)
        .slice(0, 4),
    ).toEqual([
      "/home/me/.claude/projects",
      "/home/me/.config/claude/projects",
      "/home/me/.codex/sessions",
      "/home/me/.codex/archived_sessions",
    ]);
  });
});

// Property tests: how the input is laid out in files never changes the totals.
describe("totals do not depend on file layout (fast-check)", () => {
  const scratch = mkdtempSync(path.join(os.tmpdir(), "trh-analyze-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  let runs = 0;

  const claudeSession = (session: string, messages: number, sidechainCopies: boolean): string[] => {
    const lines: string[] = [];
    for (let index = 0; index < messages; index++) {
      const messageId = `msg_${session}_${index}`;
      const base = {
        sessionId: session,
        messageId,
        requestId: `req_${index}`,
        cacheRead: 1000 * index,
        cacheWrite1h: 100,
        timestamp: `2026-02-1${index % 3}T10:00:00.000Z`,
      };
      lines.push(
        assistantLine({ ...base, output: 2 }),
        assistantLine({ ...base, output: 3 }),
        assistantLine({ ...base, output: 100 + index }),
      );
      if (sidechainCopies && index % 2 === 0)
        lines.push(assistantLine({ ...base, requestId: `req_btw_${index}`, isSidechain: true, output: 100 + index }));
    }
    return lines;
  };
  const codexSession = (session: string, calls: number): string[] => {
    const lines = [
      codexLine("session_meta", { id: session, cwd: "/r" }),
      codexLine("turn_context", { model: "gpt-5.3-codex" }),
    ];
    const total = { input: 0, cached: 0, output: 0, reasoning: 0 };
    for (let index = 1; index <= calls; index++) {
      const last = { input: 1000 * index, cached: 500 * index, output: 10 * index, reasoning: index };
      total.input += last.input;
      total.cached += last.cached;
      total.output += last.output;
      total.reasoning += last.reasoning;
      lines.push(codexTokenCount(total, last), codexTokenCount(total, last));
    }
    return lines;
  };
  const sources = [
    { name: "s1.jsonl", lines: claudeSession("s1", 6, true) },
    { name: "s2.jsonl", lines: claudeSession("s2", 4, false) },
    {
      name: "rollout-2026-02-23T12-00-00-019c8a70-dda7-7f33-98ea-f30553347322.jsonl",
      lines: codexSession("019c8a70-dda7-7f33-98ea-f30553347322", 5),
    },
  ];

  async function reportFor(layout: Array<{ name: string; lines: string[] }>): Promise<AnalyzeReport> {
    const dir = path.join(scratch, `run-${runs++}`);
    layout.forEach((file, index) => {
      // Each file in its own folder so that repeated and split files keep their names.
      mkdirSync(path.join(dir, String(index)), { recursive: true });
      writeFileSync(path.join(dir, String(index), file.name), `${file.lines.join("\n")}\n`);
    });
    return analyzePaths([dir]);
  }

  it("shuffling, repeating or splitting files at any line keeps every total", async () => {
    const baseline = await reportFor(sources);
    expect(baseline.totals.calls).toBe(6 + 4 + 5);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ source: fc.nat(sources.length - 1), cuts: fc.array(fc.nat(60), { maxLength: 3 }) }), {
          minLength: 0,
          maxLength: 4,
        }),
        fc.infiniteStream(fc.nat()),
        async (extra, order) => {
          // Every source once (some split at line boundaries), plus extra copies or pieces of any.
          const pieces = [...sources.map((_, source) => ({ source, cuts: [] as number[] })), ...extra].flatMap(
            ({ source, cuts }) => {
              const { name, lines } = sources[source]!;
              const bounds = [...new Set([0, ...cuts.map((cut) => cut % (lines.length + 1)), lines.length])].sort(
                (a, b) => a - b,
              );
              return bounds.slice(1).map((end, index) => ({ name, lines: lines.slice(bounds[index], end) }));
            },
          );
          const random = order.take(pieces.length);
          const shuffled = pieces
            .map((piece) => ({ piece, key: random.next().value as number }))
            .sort((a, b) => a.key - b.key)
            .map(({ piece }) => piece);
          const report = await reportFor(shuffled.filter((piece) => piece.lines.length > 0));
          expect(tokensOf(report)).toEqual(tokensOf(baseline));
          const claudeCost = (r: AnalyzeReport) =>
            r.models.filter((row) => row.model.startsWith("claude")).reduce((sum, row) => sum + row.costUsd, 0);
          expect(claudeCost(report)).toBeCloseTo(claudeCost(baseline), 9);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe("trh analyze command (child process)", () => {
  const run = promisify(execFile);
  const trh = (...args: string[]) =>
    run(process.execPath, [path.join(REPO, "bin/trh.mjs"), "analyze", ...args], { cwd: REPO });

  it("prints the SOURCES.md totals with --json", async () => {
    const { stdout } = await trh("fixtures/real/spotter/test/fixtures/transcripts", "--json");
    const report = JSON.parse(stdout) as AnalyzeReport;
    expect(tokensOf(report)).toEqual({
      inputTokens: 4_097,
      outputTokens: 1_962,
      cacheWriteTokens: 156_125,
      cacheReadTokens: 1_325_292,
      calls: 33,
    });
    expect(Math.abs(report.totals.costUsd - 1.564895)).toBeLessThanOrEqual(1e-6);
    expect(Object.keys(report)).toEqual(expect.arrayContaining(["totals", "days", "models", "sessions"]));
    expect(report.days[0]).toMatchObject({ date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
    expect(report.sessions[0]).toHaveProperty("project");
  }, 30_000);

  it("gives the same report from the precompiled bundle's worker threads, from any folder", async () => {
    const single = JSON.parse(
      (await trh(path.join(REPO, "fixtures/real"), "--json", "--threads", "0")).stdout,
    ) as AnalyzeReport;
    const fromElsewhere = promisify(execFile)(
      process.execPath,
      [path.join(REPO, "bin/trh.mjs"), "analyze", path.join(REPO, "fixtures/real"), "--json", "--threads", "2"],
      { cwd: os.tmpdir() },
    );
    expect(JSON.parse((await fromElsewhere).stdout)).toEqual(single);
  }, 60_000);

  it("filters by UTC day and prints a table with a TOTAL line", async () => {
    const { stdout } = await trh("fixtures/real", "--since", "2026-02-23", "--until", "2026-02-23", "--by", "model");
    expect(stdout).toMatch(/^Model\s+Calls/);
    expect(stdout).toMatch(/\nTOTAL\s+199\s+961,620\s+89,179\s+0\s+15,067,648\s+\$5\.57\n/);
  }, 30_000);

  it("exits 2 on a usage error and 1 on a missing path", async () => {
    await expect(trh("--by", "week")).rejects.toMatchObject({ code: 2 });
    await expect(trh("--since", "2026-13-01")).rejects.toMatchObject({ code: 2 });
    await expect(trh("/no/such/folder")).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining("no such file or directory"),
    });
  }, 30_000);

  it("names unpriced models on stderr and in the JSON", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "trh-unpriced-"));
    writeFileSync(path.join(dir, "s.jsonl"), `${assistantLine({ model: "claude-imaginary-9", messageId: "m1" })}\n`);
    try {
      const { stdout, stderr } = await trh(dir, "--json");
      expect((JSON.parse(stdout) as AnalyzeReport).unpricedModels).toEqual(["claude-imaginary-9"]);
      expect(stderr).toContain("no price known for claude-imaginary-9");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
