/** Trace files written under a folder, and what `trh analyze` reports for them. */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { analyzeFiles } from "@/lib/analyze/analyze-files";
import { findTraceFiles } from "@/lib/analyze/trace-files";
import type { Tokens } from "@/lib/tokens";

/** Relative path -> lines, as the tools lay files out under their roots. */
export type TraceCorpus = Record<string, string[]>;

/** Writes the named files of `corpus` under `root` (each cut to its first `linesOf` lines). */
export function writeTraceFiles(
  root: string,
  corpus: TraceCorpus,
  names = Object.keys(corpus),
  linesOf = (name: string) => corpus[name]!.length,
): void {
  for (const name of names) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(
      path.join(root, name),
      corpus[name]!.slice(0, linesOf(name))
        .map((line) => `${line}\n`)
        .join(""),
    );
  }
}

/** `trh analyze` totals over these files, alone in a new temporary folder, read in this thread. */
export async function analyzeTotals(corpus: TraceCorpus): Promise<Tokens> {
  const root = mkdtempSync(path.join(tmpdir(), "trh-traces-"));
  writeTraceFiles(root, corpus);
  return (await analyzeFiles((await findTraceFiles([root])).files, { threads: 0 })).totals;
}
