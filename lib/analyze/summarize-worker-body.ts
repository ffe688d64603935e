/** Body of an analyze worker thread: summarizes the batches of files the main thread sends. */
import { parentPort, workerData } from "node:worker_threads";
import type { PriceOverride } from "../pricing/price-book";
import { summarizeFile } from "./summarize-file";
import type { TraceFile } from "./trace-files";

const { overrides } = workerData as { overrides: PriceOverride[] };
const port = parentPort;
if (port === null) throw new Error("summarize-worker-body must run in a worker thread");

port.on("message", (files: TraceFile[]) => {
  summarizeBatch(files).then(
    (summaries) => port.postMessage({ summaries }),
    (error: unknown) => port.postMessage({ error: error instanceof Error ? error.message : String(error) }),
  );
});

async function summarizeBatch(files: TraceFile[]) {
  const summaries = [];
  for (const file of files) summaries.push(await summarizeFile(file, overrides));
  return summaries;
}
