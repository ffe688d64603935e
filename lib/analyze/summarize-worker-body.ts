/** Body of an analyze worker thread: summarizes the files the main thread sends, one at a time. */
import { parentPort, workerData } from "node:worker_threads";
import type { PriceOverride } from "../pricing/price-book";
import { summarizeFile } from "./summarize-file";
import type { TraceFile } from "./trace-files";

const { overrides } = workerData as { overrides: PriceOverride[] };
const port = parentPort;
if (port === null) throw new Error("summarize-worker-body must run in a worker thread");

port.on("message", (file: TraceFile) => {
  summarizeFile(file, overrides).then(
    (summary) => port.postMessage({ summary }),
    (error: unknown) => port.postMessage({ error: error instanceof Error ? error.message : String(error) }),
  );
});
