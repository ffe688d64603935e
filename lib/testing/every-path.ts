/**
 * The property of issue 10, shared by the Postgres and the embedded test: a generated corpus
 * (lib/testing/trace-corpus.ts), sent in any grouping of its files, in any order, some files twice,
 * through any mix of `trh import` (the command itself), the ingest API (its route handler) and
 * `trh push` (the command, over HTTP to that route behind a node:http server, files sent in two
 * rounds as they grow), one after another or overlapping, stores exactly what `trh analyze`
 * computes over the whole corpus: in the calls, the run totals, RunDaySpend and DailySpend, per
 * session and per day; tokens exact, cost within 1e-6. Each case gets a team of its own.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import fc from "fast-check";
import { expect, vi } from "vitest";
import { POST } from "@/app/api/v1/ingest/route";
import { analyzeFiles } from "@/lib/analyze/analyze-files";
import { findTraceFiles } from "@/lib/analyze/trace-files";
import { importCommand } from "@/lib/cli/import";
import { pushCommand } from "@/lib/cli/push";
import { closeDb, db } from "@/lib/db/client";
import { table } from "@/lib/db/tables";
import type { Tokens } from "@/lib/tokens";
import { type TraceCorpus, writeTraceFiles } from "./analyze-totals";
import type { TestTeam } from "./fixtures";
import { startIngestServer } from "./ingest-server";
import { storedTotals } from "./stored-totals";
import { drawFrom, generateCorpus } from "./trace-corpus";

const Run = table("Run");
const RunDaySpendTable = table("RunDaySpend");

type Path = "import" | "api" | "push";

interface Upload {
  path: Path;
  files: string[];
  /**
   * How the sender names the files: import and push given the folder (paths relative to it) or
   * each file (its last path segments); the API given the relative path, the path under a dropped
   * `projects` folder, or the bare file name.
   */
  naming: "folder" | "files" | "projects" | "basename";
  /** push only: lines of each file already written when the first round runs. */
  firstRoundLines: Map<string, number>;
}

/** Runs a `trh` command in this process; returns what it printed (its --json answer). */
async function runCommand(command: (args: string[]) => Promise<number>, args: string[]): Promise<unknown> {
  let printed = "";
  const write = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    printed += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString();
    return true;
  });
  try {
    expect(await command(args)).toBe(0);
  } finally {
    write.mockRestore();
  }
  return JSON.parse(printed.trim().split("\n").pop()!);
}

async function send(
  upload: Upload,
  corpus: TraceCorpus,
  root: string,
  team: TestTeam,
  serverUrl: string,
): Promise<void> {
  if (upload.path === "import") {
    writeTraceFiles(root, corpus, upload.files);
    // The command opens (and closes) the database itself; the embedded one allows one opener.
    await closeDb();
    const given = upload.naming === "files" ? upload.files.map((name) => path.join(root, name)) : [root];
    const answer = (await runCommand(importCommand, [...given, "--team", team.slug, "--json"])) as {
      errors: unknown[];
    };
    expect(answer.errors).toEqual([]);
  } else if (upload.path === "api") {
    writeTraceFiles(root, corpus, upload.files);
    const { files } = await findTraceFiles([root]);
    const byName = new Map(files.map((file) => [file.fileName, file]));
    for (const name of upload.files) {
      const file = byName.get(name)!;
      const body = corpus[name]!.map((line) => `${line}\n`).join("");
      const fileName =
        upload.naming === "projects" ? `projects/${name}` : upload.naming === "basename" ? path.basename(name) : name;
      const request = new Request(
        `http://localhost/api/v1/ingest?format=${file.format}&file=${encodeURIComponent(fileName)}`,
        {
          method: "POST",
          headers: { authorization: `Bearer ${team.ingestKey}`, "content-type": "application/x-ndjson" },
          body,
        },
      );
      const response = await POST(request, undefined as never);
      const answer = (await response.json()) as { errorCount: number };
      expect(response.status).toBe(200);
      expect(answer.errorCount).toBe(0);
    }
  } else {
    // Files as they grow: the first lines, pushed; then the rest, pushed again.
    const given = upload.naming === "files" ? upload.files.map((name) => path.join(root, name)) : [root];
    const args = [...given, "--url", serverUrl, "--key", team.ingestKey, "--json"];
    writeTraceFiles(root, corpus, upload.files, (file) => upload.firstRoundLines.get(file)!);
    const first = (await runCommand(pushCommand, args)) as { errors: unknown[] };
    writeTraceFiles(root, corpus, upload.files);
    const second = (await runCommand(pushCommand, args)) as { errors: unknown[] };
    expect([...first.errors, ...second.errors]).toEqual([]);
  }
}

interface Layer {
  key: string;
  calls: number;
  inputTokens: number;
  outputTokens: number;
  cacheWriteTokens: number;
  cacheReadTokens: number;
  costUsd: number;
}

/** The same keys (no empty rows), tokens and calls exact, cost to 1e-6; a failure names the key. */
function expectSameTotals(stored: Layer[], expected: Layer[], what: string): void {
  const rounded = (rows: Layer[]) =>
    rows.map((row) => ({ ...row, costUsd: 0 })).sort((a, b) => (a.key < b.key ? -1 : 1));
  expect(rounded(stored), what).toEqual(rounded(expected));
  const costs = new Map(stored.map((row) => [row.key, row.costUsd]));
  for (const row of expected)
    expect(Math.abs((costs.get(row.key) ?? 0) - row.costUsd), `${what} ${row.key} cost`).toBeLessThanOrEqual(1e-6);
}

const asLayer = (key: string, t: Tokens): Layer => ({
  key,
  calls: t.calls,
  inputTokens: t.inputTokens,
  outputTokens: t.outputTokens,
  cacheWriteTokens: t.cacheWriteTokens,
  cacheReadTokens: t.cacheReadTokens,
  costUsd: t.costUsd,
});

interface GroupRow {
  key: string;
  calls: string;
  inputTokens: string;
  outputTokens: string;
  cacheWriteTokens: string;
  cacheReadTokens: string;
  costUsd: string;
}
const fromRows = (rows: GroupRow[]): Layer[] =>
  rows.map((row) => ({
    key: row.key,
    calls: Number(row.calls),
    inputTokens: Number(row.inputTokens),
    outputTokens: Number(row.outputTokens),
    cacheWriteTokens: Number(row.cacheWriteTokens),
    cacheReadTokens: Number(row.cacheReadTokens),
    costUsd: Number(row.costUsd),
  }));

export async function checkEveryPathEqualsAnalyze(newTeam: () => Promise<TestTeam>, numRuns: number): Promise<void> {
  const { url: serverUrl, server } = await startIngestServer();
  const work = mkdtempSync(path.join(tmpdir(), "trh-every-path-"));
  const pushState = process.env.TRH_PUSH_STATE;
  let caseNumber = 0;
  try {
    await fc.assert(
      fc.asyncProperty(fc.gen(), async (g) => {
        const draw = drawFrom(g);
        const corpus = generateCorpus(draw);
        const names = Object.keys(corpus);
        // Any grouping into uploads, any order, some files sent twice, through any path.
        const uploads: Upload[] = Array.from({ length: draw.int(1, 4) }, () => {
          const via = draw.pick(["import", "api", "push"] as const);
          const naming = draw.pick(
            via === "api" ? (["folder", "projects", "basename"] as const) : (["folder", "files"] as const),
          );
          return { path: via, naming, files: [], firstRoundLines: new Map() };
        });
        for (const name of names) {
          draw.pick(uploads).files.push(name);
          if (draw.chance(20)) draw.pick(uploads).files.push(name);
        }
        for (const upload of uploads) {
          upload.files = [...new Set(upload.files)]
            .map((file) => ({ file, order: draw.int(0, 1000) }))
            .sort((a, b) => a.order - b.order)
            .map((entry) => entry.file);
          for (const file of upload.files) upload.firstRoundLines.set(file, draw.int(0, corpus[file]!.length));
        }

        const caseDir = path.join(work, `case-${caseNumber++}`);
        const team = await newTeam();
        process.env.TRH_PUSH_STATE = path.join(caseDir, "push-state.json");
        const sendOne = (upload: Upload, index: number) =>
          upload.files.length > 0
            ? send(upload, corpus, path.join(caseDir, `upload-${index}`), team, serverUrl)
            : Promise.resolve();
        if (draw.chance(50)) {
          // Overlapping uploads: the API requests at once, beside the pushes one after another
          // (a push prints its answer, caught on this process's stdout). Imports, which open and
          // close the database themselves, go first.
          const indexed = [...uploads.entries()];
          for (const [index, upload] of indexed) if (upload.path === "import") await sendOne(upload, index);
          const pushes = (async () => {
            for (const [index, upload] of indexed) if (upload.path === "push") await sendOne(upload, index);
          })();
          await Promise.all([
            pushes,
            ...indexed.filter(([, upload]) => upload.path === "api").map(([index, upload]) => sendOne(upload, index)),
          ]);
        } else {
          for (const [index, upload] of uploads.entries()) await sendOne(upload, index);
        }

        const whole = path.join(caseDir, "whole");
        writeTraceFiles(whole, corpus, names);
        const report = await analyzeFiles((await findTraceFiles([whole])).files, { threads: 0 });
        const stored = await storedTotals(team.teamId);
        for (const [layer, totals] of Object.entries(stored))
          expectSameTotals([asLayer("all", totals)], [asLayer("all", report.totals)], `${layer} totals`);

        const sessions = await db().$queryRaw<GroupRow[]>`
          SELECT ${Run.externalId} AS key, ${Run.calls}::text, ${Run.inputTokens}::text AS "inputTokens", ${Run.outputTokens}::text AS "outputTokens",
            ${Run.cacheWriteTokens}::text AS "cacheWriteTokens", ${Run.cacheReadTokens}::text AS "cacheReadTokens", ${Run.costUsd}::text AS "costUsd"
          FROM ${Run.$} WHERE ${Run.teamId} = ${team.teamId}::uuid`;
        expectSameTotals(
          fromRows(sessions),
          report.sessions.map((s) => asLayer(s.sessionId, s)),
          "sessions",
        );
        const days = await db().$queryRaw<GroupRow[]>`
          SELECT to_char(${RunDaySpendTable.day}, 'YYYY-MM-DD') AS key, sum(${RunDaySpendTable.calls})::text AS calls, sum(${RunDaySpendTable.inputTokens})::text AS "inputTokens", sum(${RunDaySpendTable.outputTokens})::text AS "outputTokens",
            sum(${RunDaySpendTable.cacheWriteTokens})::text AS "cacheWriteTokens", sum(${RunDaySpendTable.cacheReadTokens})::text AS "cacheReadTokens", sum(${RunDaySpendTable.costUsd})::text AS "costUsd"
          FROM ${RunDaySpendTable.$} WHERE ${RunDaySpendTable.teamId} = ${team.teamId}::uuid GROUP BY 1`;
        expectSameTotals(
          fromRows(days),
          report.days.map((d) => asLayer(d.date, d)),
          "days",
        );
      }),
      // A failing case replays its full sequence of uploads for every shrinking step: bound that.
      { numRuns, interruptAfterTimeLimit: 180_000 },
    );
  } finally {
    if (pushState === undefined) delete process.env.TRH_PUSH_STATE;
    else process.env.TRH_PUSH_STATE = pushState;
    server.close();
  }
}
