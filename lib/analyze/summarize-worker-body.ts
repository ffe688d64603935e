/**
 * Body of an analyze worker thread: claims files from the queue it was given (analyze-files.ts)
 * until none is left, sending each file's summary back as soon as it is read.
 */
import { parentPort, workerData } from "node:worker_threads";
import { summarizeFile } from "./summarize-file";
import { claimFile, type WorkerReply, type WorkerTask } from "./work-queue";

const port = parentPort;
if (port === null) throw new Error("summarize-worker-body must run in a worker thread");
const { files, next } = workerData as WorkerTask;

async function summarizeClaimed(): Promise<void> {
  for (let index = claimFile(next); index < files.length; index = claimFile(next)) {
    port!.postMessage({ index, summary: await summarizeFile(files[index]!) } satisfies WorkerReply);
  }
}

summarizeClaimed().then(
  () => port.postMessage({ done: true } satisfies WorkerReply),
  (error: unknown) =>
    port.postMessage({ error: error instanceof Error ? error.message : String(error) } satisfies WorkerReply),
);
