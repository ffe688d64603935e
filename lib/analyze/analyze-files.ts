/**
 * Runs the per-file work over many files: in this thread and, for large inputs, in worker threads
 * beside it (parsing is CPU-bound; ccusage 20 keeps two cores busy). Every thread claims the next
 * file from one shared counter, so none waits for another's batch; summaries are folded into the
 * ledger in the order of the queue whichever thread read them, so the report is the same with any
 * number of threads. The ledger keeps one small row per distinct call, so memory follows the
 * number of calls, never the bytes read.
 */
import os from "node:os";
import { Worker } from "node:worker_threads";
import type { PriceOverride } from "../pricing/price-book";
import { type AnalyzeReport, CallLedger, type DateRange } from "./report";
import { type FileSummary, MAX_ERRORS_PER_FILE, summarizeFile } from "./summarize-file";
import type { FoundFile } from "./trace-files";
import { claimFile, type WorkerReply, type WorkerTask } from "./work-queue";

export interface AnalyzeOptions {
  range?: DateRange;
  overrides?: readonly PriceOverride[];
  /** Called after each file with the bytes read so far and in all. */
  onProgress?: (doneBytes: number, totalBytes: number) => void;
  /** Worker threads reading beside this thread; 0: this thread alone. Default: defaultThreadCount(files). */
  threads?: number;
  /**
   * Workers started ahead (startWorkers), so that they start up while the caller looks for files:
   * up to `threads` of them read, the caller stops them all. Default: `threads` workers started here.
   */
  workers?: readonly ReadingWorker[];
  /** Worker script: the precompiled one of load-engine.ts, else the TypeScript one through tsx. */
  workerUrl?: URL;
}

/**
 * Worker threads beside this one, which reads too. Measured on 2 cores (bench/README.md): a
 * worker is ready ~25 ms after it is started, but its code starts cold and it takes CPU the other
 * core may be busy with: on 7 and 17 MB of traces one thread was faster (load average 6). A
 * worker costs 30-40 MB (its heap, its young generation, the summaries on their way), so past
 * WORKER_MAX_BYTES, where the ledger has grown too, one thread keeps memory under the 150 MB goal
 * (400 MB of traces: 111 MB in one thread, 146-154 MB with a worker).
 */
const WORKER_MIN_BYTES = 32 * 1024 * 1024;
const WORKER_MAX_BYTES = 256 * 1024 * 1024;
const MAX_THREADS = 4;

/** Workers beside this thread when every core reads: one reading thread per core, at most 4 in all. */
export function maxWorkerCount(): number {
  return Math.min(os.availableParallelism(), MAX_THREADS) - 1;
}

/**
 * The workers for these files: one per core beside this thread, for inputs large enough to repay
 * starting them and small enough to keep memory low.
 */
export function defaultThreadCount(files: readonly FoundFile[]): number {
  const totalBytes = files.reduce((sum, file) => sum + file.size, 0);
  if (totalBytes < WORKER_MIN_BYTES || totalBytes > WORKER_MAX_BYTES || files.length < 2) return 0;
  return Math.min(maxWorkerCount(), files.length - 1);
}

/**
 * Parsing makes many short-lived objects; with the default young generation a worker took about
 * 30% longer than the main thread on the same files (more garbage collection).
 */
const WORKER_YOUNG_GENERATION_MB = 32;

/** Between files this thread lets the workers' summaries in, at least every this many bytes. */
const YIELD_BYTES = 4 * 1024 * 1024;

export async function analyzeFiles(files: readonly FoundFile[], options: AnalyzeOptions = {}): Promise<AnalyzeReport> {
  /** Made once the pricing module is loaded: summaries that arrive before then wait in `summaries`. */
  let ledger: CallLedger | null = null;
  const totalBytes = files.reduce((sum, file) => sum + file.size, 0);
  // Largest first, so no thread is left with one big file at the end.
  const queue = [...files].sort((a, b) => b.size - a.size);
  const summaries: Array<FileSummary | undefined> = new Array(queue.length);
  let folded = 0;
  let doneBytes = 0;
  /** Folds the summaries that are next in queue order; the rest wait for the files before them. */
  const fold = (): void => {
    if (ledger === null) return;
    for (let summary = summaries[folded]; summary !== undefined; summary = summaries[folded]) {
      const file = queue[folded]!;
      summaries[folded] = undefined;
      folded += 1;
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
    }
  };
  const accept = (index: number, summary: FileSummary): void => {
    summaries[index] = summary;
    fold();
  };

  const next = new Int32Array(new SharedArrayBuffer(4));
  const threads = Math.min(options.threads ?? defaultThreadCount(queue), queue.length);
  const ownWorkers =
    options.workers === undefined
      ? startWorkers(threads, options.workerUrl ?? new URL("./summarize-worker.mjs", import.meta.url))
      : [];
  const sharesRead = (options.workers ?? ownWorkers)
    .slice(0, threads)
    .map((worker) => worker.read({ files: queue, next }, accept));
  // The price table is ~830 KB of JavaScript (@pydantic/genai-prices): compiling and running it cost
  // ~0.1 s of CPU before discovery. Loaded once the workers have the queue, they read on meanwhile.
  try {
    ledger = new CallLedger(await import("../pricing/price-book"), options.range, options.overrides);
    fold();
    let bytesSinceYield = 0;
    for (let index = claimFile(next); index < queue.length; index = claimFile(next)) {
      const file = queue[index]!;
      accept(index, await summarizeFile(file));
      bytesSinceYield += file.size;
      if (sharesRead.length > 0 && bytesSinceYield >= YIELD_BYTES) {
        bytesSinceYield = 0;
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    await Promise.all(sharesRead);
  } finally {
    for (const worker of ownWorkers) void worker.stop();
  }
  return ledger.report();
}

/** A worker thread that reads its share of one queue of files once it is given the queue. */
export interface ReadingWorker {
  /** Sends the queue; settles when the worker has read its share (every summary passed to `accept`). */
  read(task: WorkerTask, accept: (index: number, summary: FileSummary) => void): Promise<void>;
  stop(): Promise<number>;
}

/**
 * Starts `count` workers that wait for their queue: a worker's start (a thread, its modules) costs
 * ~25 ms on a quiet machine and 0.1-0.3 s on a loaded one, time it can spend while the caller is
 * still looking for the files.
 */
export function startWorkers(count: number, workerUrl: URL): ReadingWorker[] {
  return Array.from({ length: count }, () => startWorker(workerUrl));
}

function startWorker(workerUrl: URL): ReadingWorker {
  const worker = new Worker(workerUrl, { resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } });
  let acceptSummary: ((index: number, summary: FileSummary) => void) | null = null;
  const finished = new Promise<void>((resolve, reject) => {
    worker.on("message", (reply: WorkerReply) => {
      if ("index" in reply) acceptSummary?.(reply.index, reply.summary);
      else if ("done" in reply) resolve();
      else reject(new Error(reply.error));
    });
    worker.on("error", reject);
    worker.on("exit", (code) => reject(new Error(`an analyze worker stopped (exit code ${code}) before it finished`)));
  });
  // Awaited only once its reader has read its own share, or never (a worker stopped unused):
  // a failure before then must not count as unhandled.
  finished.catch(() => {});
  return {
    read(task, accept) {
      acceptSummary = accept;
      worker.postMessage(task);
      return finished;
    },
    stop: () => worker.terminate(),
  };
}
