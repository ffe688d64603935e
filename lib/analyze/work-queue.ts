/**
 * The queue the threads of `trh analyze` share (analyze-files.ts): every thread claims the next
 * file from one counter in shared memory. Apart from analyze-files.ts so that a worker does not
 * load the ledger and the price table.
 */
import type { FileSummary } from "./summarize-file";
import type { FoundFile } from "./trace-files";

/** What a worker is sent: the queue, and the counter every thread claims files from. */
export interface WorkerTask {
  files: readonly FoundFile[];
  next: Int32Array;
}

/** What a worker sends back: one summary per file it read, then `done`; or why it failed. */
export type WorkerReply = { index: number; summary: FileSummary } | { done: true } | { error: string };

/** The index of the next file nobody has claimed yet (past the end when none is left). */
export function claimFile(next: Int32Array): number {
  return Atomics.add(next, 0, 1);
}
