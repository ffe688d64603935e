/** Trace files written to a folder of their own, and what `trh analyze` reports for them. */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { analyzeFiles } from "@/lib/analyze/analyze-files";
import { findTraceFiles } from "@/lib/analyze/trace-files";
import type { Tokens } from "@/lib/tokens";

/** Writes `files` (relative path -> lines) under a new temporary folder; returns the folder. */
export function writeTraceFolder(files: Record<string, string[]>): string {
  const root = mkdtempSync(path.join(tmpdir(), "trh-traces-"));
  for (const [name, lines] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), lines.map((line) => `${line}\n`).join(""));
  }
  return root;
}

/** `trh analyze` totals over the whole folder, read in this thread. */
export async function analyzeFolder(root: string): Promise<Tokens> {
  const report = await analyzeFiles((await findTraceFiles([root])).files, { threads: 0 });
  return report.totals;
}

export const analyzeTotals = (files: Record<string, string[]>): Promise<Tokens> => analyzeFolder(writeTraceFolder(files));
