/** Body of an analyze worker thread: summarizes the batches of files the main thread sends. */
import { parentPort } from "node:worker_threads";
import { type FileSummary, summarizeFile } from "./summarize-file";
import type { TraceFile } from "./trace-files";

const port = parentPort;
if (port === null) throw new Error("summarize-worker-body must run in a worker thread");

async function summarizeBatch(files: TraceFile[]): Promise<FileSummary[]> {
  const summaries: FileSummary[] = [];
  for (const file of files) summaries.push(await summarizeFile(file));
  return summaries;
}

port.on("message", (files: TraceFile[]) => {
  summarizeBatch(files).then(
    (summaries) => port.postMessage({ summaries }),
    (error: unknown) => port.postMessage({ error: error instanceof Error ? error.message : String(error) }),
  );
});
