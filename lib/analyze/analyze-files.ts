/**
 * Runs the per-file work over many files, in this thread or, for large inputs, in worker threads
 * (parsing is CPU-bound; ccusage 20 keeps two cores busy). Workers hold one batch of files' calls
 * at a time; the ledger keeps one small row per distinct call, so memory follows the number of
 * calls, never the bytes read.
 */
import os from "node:os";
import { Worker } from "node:worker_threads";
import type { PriceOverride } from "../pricing/price-book";
import { type AnalyzeReport, CallLedger, type DateRange } from "./report";
import { type FileSummary, MAX_ERRORS_PER_FILE, summarizeFile } from "./summarize-file";
import type { TraceFile } from "./trace-files";

export interface AnalyzeOptions {
  range?: DateRange;
  overrides?: readonly PriceOverride[];
  /** Called after each file with the bytes read so far and in all. */
  onProgress?: (doneBytes: number, totalBytes: number) => void;
  /** Worker threads; 0 reads in this thread. Default: defaultThreadCount(files). */
  threads?: number;
  /** Worker script: the precompiled one of load-engine.ts, else the TypeScript one through tsx. */
  workerUrl?: URL;
}

/**
 * Measured on 2 cores with the CLI bundle (bench/README.md): on 104 MB two workers take 0.75 s and
 * 127 MB against 0.9-1.0 s and 100 MB in one thread; on 400 MB, 1.4 s and 180-200 MB against
 * 1.7 s and 148 MB. Workers cost a heap each, and the de-duplication ledger grows with the calls,
 * so past WORKER_MAX_BYTES one thread keeps memory under the 150 MB goal instead.
 */
const WORKER_MIN_BYTES = 32 * 1024 * 1024;
const WORKER_MAX_BYTES = 256 * 1024 * 1024;
const MAX_THREADS = 4;

/** One thread per core (at most 4) for inputs large enough to repay starting them and small enough to keep memory low. */
export function defaultThreadCount(files: readonly TraceFile[]): number {
  const totalBytes = files.reduce((sum, file) => sum + file.size, 0);
  if (totalBytes < WORKER_MIN_BYTES || totalBytes > WORKER_MAX_BYTES || files.length < 2) return 0;
  return Math.min(os.availableParallelism(), MAX_THREADS, files.length);
}

export async function analyzeFiles(files: readonly TraceFile[], options: AnalyzeOptions = {}): Promise<AnalyzeReport> {
  const ledger = new CallLedger(options.range, options.overrides);
  const totalBytes = files.reduce((sum, file) => sum + file.size, 0);
  let doneBytes = 0;
  const record = (file: TraceFile, summary: FileSummary): void => {
    for (const call of summary.calls) ledger.addCall(call);
    for (const error of summary.errors) ledger.addError(error);
    if (summary.moreErrors > 0) {
      ledger.addError({
        file: file.absolutePath,
        line: 0,
        message: `${summary.moreErrors} more bad lines after the first ${MAX_ERRORS_PER_FILE}`,
      });
    }
    doneBytes += file.size;
    options.onProgress?.(doneBytes, totalBytes);
  };
  // Largest first, so no thread is left with one big file at the end.
  const queue = [...files].sort((a, b) => b.size - a.size);
  const threads = options.threads ?? defaultThreadCount(queue);
  if (threads === 0) {
    for (const file of queue) record(file, await summarizeFile(file));
  } else {
    await runInWorkers(queue, threads, options.workerUrl ?? new URL("./summarize-worker.mjs", import.meta.url), record);
  }
  return ledger.report();
}

/** Files go to workers in batches of about this size: one message per file costs more than small files take to read. */
const BATCH_BYTES = 4 * 1024 * 1024;
const BATCH_FILES = 256;
/**
 * Parsing makes many short-lived objects; with the default young generation a worker took about
 * 30% longer than the main thread on the same files (more garbage collection).
 */
const WORKER_YOUNG_GENERATION_MB = 32;

function batches(queue: readonly TraceFile[]): TraceFile[][] {
  const result: TraceFile[][] = [];
  let current: TraceFile[] = [];
  let bytes = 0;
  for (const file of queue) {
    current.push(file);
    bytes += file.size;
    if (bytes >= BATCH_BYTES || current.length >= BATCH_FILES) {
      result.push(current);
      current = [];
      bytes = 0;
    }
  }
  if (current.length > 0) result.push(current);
  return result;
}

interface WorkerReply {
  summaries?: FileSummary[];
  error?: string;
}

async function runInWorkers(
  queue: TraceFile[],
  threads: number,
  workerUrl: URL,
  record: (file: TraceFile, summary: FileSummary) => void,
): Promise<void> {
  const pending = batches(queue);
  let next = 0;
  const runWorker = (): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const worker = new Worker(workerUrl, {
        resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
      });
      let current: TraceFile[] | undefined;
      const sendNext = (): void => {
        current = pending[next++];
        if (current === undefined) {
          void worker.terminate().then(() => resolve());
        } else {
          worker.postMessage(current);
        }
      };
      worker.on("message", (reply: WorkerReply) => {
        if (reply.error !== undefined || reply.summaries === undefined || current === undefined) {
          void worker.terminate();
          reject(new Error(reply.error ?? "an analyze worker gave no result"));
          return;
        }
        reply.summaries.forEach((summary, index) => {
          record(current![index]!, summary);
        });
        sendNext();
      });
      worker.on("error", reject);
      worker.once("online", sendNext);
    });
  await Promise.all(Array.from({ length: threads }, runWorker));
}
