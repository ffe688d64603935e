/**
 * Body of an analyze worker thread: waits for the queue (analyze-files.ts starts workers before the
 * files are known), then claims files from it until none is left, sending each file's summary back
 * as soon as it is read.
 */
import { parentPort } from "node:worker_threads";
import { summarizeFile } from "./summarize-file";
import { claimFile, type WorkerReply, type WorkerTask } from "./work-queue";

const port = parentPort;
if (port === null) throw new Error("summarize-worker-body must run in a worker thread");

async function summarizeClaimed({ files, next }: WorkerTask): Promise<void> {
  for (let index = claimFile(next); index < files.length; index = claimFile(next)) {
    port!.postMessage({ index, summary: await summarizeFile(files[index]!) } satisfies WorkerReply);
  }
}

port.once("message", (task: WorkerTask) =>
  summarizeClaimed(task).then(
    () => port.postMessage({ done: true } satisfies WorkerReply),
    (error: unknown) =>
      port.postMessage({ error: error instanceof Error ? error.message : String(error) } satisfies WorkerReply),
  ),
);
