/**
 * The real fixtures (fixtures/real, copied from shared/fixtures/real) and the totals their
 * SOURCES.md computed independently, for tests that ingest them.
 */
import { createReadStream } from "node:fs";
import path from "node:path";
import { findTraceFiles } from "@/lib/analyze/trace-files";
import type { Scope } from "@/lib/auth/scope";
import { ingestFile } from "@/lib/ingest/ingest-file";
import type { IngestError } from "@/lib/ingest/writer";

export const fixturesRoot = path.resolve("fixtures/real");

export const wholeRange = { from: "2000-01-01", to: "2100-12-31" };

export interface ExpectedTotals {
  /** null where SOURCES.md does not give the count of calls. */
  calls: number | null;
  inputTokens: number;
  outputTokens: number;
  cacheWriteTokens: number;
  cacheReadTokens: number;
  costUsd: number;
}

/** From fixtures/real/SOURCES.md; Codex input there includes cached tokens, so it is subtracted here. */
export const expectedFixtureTotals: Record<string, ExpectedTotals> = {
  "spotter/test/fixtures/transcripts": {
    calls: 33,
    inputTokens: 4097,
    outputTokens: 1962,
    cacheWriteTokens: 156125,
    cacheReadTokens: 1325292,
    costUsd: 1.564895,
  },
  sniffly: {
    calls: 28,
    inputTokens: 179,
    outputTokens: 2544,
    cacheWriteTokens: 32072,
    cacheReadTokens: 548313,
    costUsd: 0.323461,
  },
  "claude-code-viewer": {
    calls: 29,
    inputTokens: 422,
    outputTokens: 4602,
    cacheWriteTokens: 60445,
    cacheReadTokens: 427478,
    costUsd: 0.425208,
  },
  localpush: {
    calls: null,
    inputTokens: 7204025 + 1751428 + 6740973 + 34469 + 298373 - (6836352 + 1651968 + 6337024 + 3456 + 238848),
    outputTokens: 36075 + 14600 + 36950 + 431 + 1123,
    cacheWriteTokens: 0,
    cacheReadTokens: 6836352 + 1651968 + 6337024 + 3456 + 238848,
    costUsd: 2.344839 + 0.667549 + 2.33319 + 0.060912 + 0.161689,
  },
};

/** Ingests every trace file under fixtures/real/<folder>, as `trh import` would. */
export async function ingestFixtureFolder(
  scope: Scope,
  folder: string,
): Promise<{ calls: number; duplicates: number; errors: IngestError[] }> {
  const { files } = await findTraceFiles([path.join(fixturesRoot, folder)]);
  const total = { calls: 0, duplicates: 0, errors: [] as IngestError[] };
  for (const file of files) {
    const result = await ingestFile(scope, {
      format: file.format,
      fileName: file.fileName,
      body: { bytes: createReadStream(file.absolutePath), gzip: false },
    });
    total.calls += result.calls;
    total.duplicates += result.duplicates;
    total.errors.push(...result.errors);
  }
  return total;
}
