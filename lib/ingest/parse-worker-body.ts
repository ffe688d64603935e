/**
 * Body of the parser thread of `trh import` (parsed-files.ts): reads and parses the files it is
 * given, in order, and posts their events in batches while the main thread writes. It stops
 * posting while MAX_BATCHES_AHEAD batches are not taken yet, so memory stays bounded whatever the
 * input's size and however slowly the database writes.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { TraceFile } from "../analyze/trace-files";
import type { TraceEvent } from "./normalized-call";
import { type ParserMessage, parserBatchLimits } from "./parsed-files";
import { readFileChunks } from "./parsers";
import { fileEvents, IngestInputError } from "./trace-body";

const port = parentPort;
if (port === null) throw new Error("parse-worker-body must run in a worker thread");

let notTaken = 0;
let wake: (() => void) | null = null;
// Each message from the main thread says it took one batch.
port.on("message", () => {
  notTaken -= 1;
  wake?.();
  wake = null;
});

async function post(message: ParserMessage): Promise<void> {
  port!.postMessage(message);
  notTaken += 1;
  while (notTaken >= parserBatchLimits.ahead) await new Promise<void>((resolve) => (wake = resolve));
}

async function parseFile(file: TraceFile): Promise<void> {
  let rawBytes = 0;
  let batch: TraceEvent[] = [];
  let textBytes = 0;
  try {
    const { events } = await fileEvents({
      format: file.format,
      fileName: file.fileName,
      body: {
        bytes: readFileChunks(file.absolutePath),
        gzip: file.absolutePath.endsWith(".gz"),
        onRawBytes: (bytes) => (rawBytes = bytes),
      },
    });
    for await (const event of events) {
      batch.push(event);
      if (event.kind === "toolResult") textBytes += event.outputText.length;
      if (batch.length >= parserBatchLimits.events || textBytes >= parserBatchLimits.textChars) {
        await post({ kind: "events", events: batch, rawBytes });
        batch = [];
        textBytes = 0;
      }
    }
    await post({ kind: "end", events: batch, refused: null });
  } catch (error) {
    if (!(error instanceof IngestInputError)) throw error;
    // The events before the refusal were read as the writer would have read them: they stay.
    await post({ kind: "end", events: batch, refused: error.message });
  }
}

(async () => {
  for (const file of workerData as TraceFile[]) await parseFile(file);
})().catch((error: unknown) => {
  port.postMessage({ kind: "fail", message: error instanceof Error ? error.message : String(error) });
});
