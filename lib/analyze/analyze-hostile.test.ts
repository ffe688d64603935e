/**
 * Hostile records count the same in `trh analyze` as in the database: both read them through the
 * one validation gate (lib/ingest/validate-events.ts), so what one refuses the other refuses too.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { closeDb } from "@/lib/db/client";
import { ingestFile } from "@/lib/ingest/ingest-file";
import { spendByGroup } from "@/lib/queries/spend-by-group";
import { createTestTeam, userScope } from "@/lib/testing/fixtures";
import { hostileCases } from "@/lib/testing/hostile-records";
import { wholeRange } from "@/lib/testing/ingest-fixtures";
import { analyzeFiles } from "./analyze-files";
import { findTraceFiles } from "./trace-files";

const dir = mkdtempSync(path.join(tmpdir(), "trh-analyze-hostile-"));

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await closeDb();
});

describe("hostile records: analyze and import agree", () => {
  it("refuses the same records and counts the same good ones", async () => {
    // trh analyze reads Claude Code and Codex files; native and OTLP go through the API only.
    const cases = hostileCases("analyze").filter((c) => c.name.startsWith("Claude Code") || c.name.startsWith("Codex"));
    const team = await createTestTeam("analyze-hostile");
    const scope = userScope(team);
    for (const hostile of cases) {
      const file = path.join(dir, "project", hostile.file);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, hostile.body);
      await ingestFile(scope, {
        format: "auto",
        fileName: hostile.file,
        body: { bytes: [Buffer.from(hostile.body)], gzip: false },
      });
    }
    const { files } = await findTraceFiles([dir]);
    expect(files).toHaveLength(cases.length);
    const report = await analyzeFiles(files, { threads: 0 });
    const { totals } = await spendByGroup(scope, { ...wholeRange, groupBy: "day" });

    expect(report.totals.calls).toBe(cases.reduce((sum, c) => sum + c.goodCalls, 0));
    expect(totals).toMatchObject({
      calls: report.totals.calls,
      inputTokens: report.totals.inputTokens,
      outputTokens: report.totals.outputTokens,
      cacheReadTokens: report.totals.cacheReadTokens,
    });
    expect(Math.abs(totals.costUsd - report.totals.costUsd)).toBeLessThanOrEqual(1e-6);
    // Every refused record is one of analyze's errors too, at its line (the deep tool input is not: analyze never reads tool inputs).
    for (const hostile of cases.filter((c) => c.error !== null && c.goodCalls === 2)) {
      expect(report.errors, hostile.name).toContainEqual({
        file: path.join(dir, "project", hostile.file),
        line: hostile.error!.line,
        message: expect.stringMatching(hostile.error!.message),
      });
    }
  });
});
