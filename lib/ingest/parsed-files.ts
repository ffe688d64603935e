/**
 * Trace files parsed in a thread of their own while the caller writes (`trh import`): the main
 * thread's time goes to the writer (building rows, Prisma, answers from the database), the
 * parsing (JSON, tool results hashed, references found) to the other core. Files are parsed in
 * order; their events come back in batches, structured-cloned (plain objects and Dates), and the
 * parser stays at most `ahead` batches ahead of what was taken (parse-worker-body.ts).
 */
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { TraceFile } from "../analyze/trace-files";
import type { TraceEvent } from "./normalized-call";
import { IngestInputError } from "./trace-body";

/**
 * A batch ends at `events` events or `textChars` characters of tool output, whichever comes first;
 * with `ahead` batches posted and not taken the parser waits. What the two threads hold between
 * them is bounded by these, never by the size of a file.
 */
export const parserBatchLimits = { events: 1000, textChars: 1024 * 1024, ahead: 3 };

export type ParserMessage =
  /** Events of the current file; `rawBytes` of it read so far. */
  | { kind: "events"; events: TraceEvent[]; rawBytes: number }
  /** The current file's last events; `refused` says why it fits no format (IngestInputError's message). */
  | { kind: "end"; events: TraceEvent[]; refused: string | null }
  /** Parsing stopped on an error that is no file's fault (an unreadable disk, a bug). */
  | { kind: "fail"; message: string };

/**
 * Parsing's garbage is short-lived: with V8's default young generation the thread's heap reached
 * ~50 MB, with 8 MB ~23 MB, for the same CPU time (measured on the bench:import corpus).
 */
const PARSER_YOUNG_GENERATION_MB = 8;

/** The parser thread's script: the precompiled one of the CLI bundle, else the TypeScript one through tsx. */
function parserUrl(): URL {
  const bundle = process.env.TRH_CLI_BUNDLE_DIR;
  return bundle ? pathToFileURL(path.join(bundle, "parse-worker.mjs")) : new URL("./parse-worker.mjs", import.meta.url);
}

export class ParsedFiles {
  private readonly worker: Worker;
  private readonly queue: ParserMessage[] = [];
  private wake: (() => void) | null = null;
  private failure: Error | null = null;

  /** Starts parsing `files` at once; read them in the same order with events(). */
  constructor(files: readonly TraceFile[]) {
    this.worker = new Worker(parserUrl(), {
      workerData: files,
      resourceLimits: { maxYoungGenerationSizeMb: PARSER_YOUNG_GENERATION_MB },
    });
    this.worker.on("message", (message: ParserMessage) => {
      this.queue.push(message);
      this.notify();
    });
    this.worker.on("error", (error) => {
      this.failure = error;
      this.notify();
    });
    this.worker.on("exit", (code) => {
      this.failure ??= new Error(`the parser thread exited (code ${code}) before the last file`);
      this.notify();
    });
  }

  private notify(): void {
    this.wake?.();
    this.wake = null;
  }

  private async next(): Promise<ParserMessage> {
    for (;;) {
      const message = this.queue.shift();
      if (message !== undefined) return message;
      if (this.failure !== null) throw this.failure;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  /**
   * The next file's events, as fileEvents yields them: a file that fits no format throws
   * IngestInputError after the events read before the refusal. `onRawBytes` as in FileBody.
   */
  async *events(onRawBytes?: (bytes: number) => void): AsyncGenerator<TraceEvent> {
    for (;;) {
      const message = await this.next();
      if (message.kind === "fail") throw new Error(`parsing failed: ${message.message}`);
      yield* message.events;
      // Taken only once written (or pending in the writer): the parser's lead is counted in batches consumed.
      this.worker.postMessage(null);
      if (message.kind === "end") {
        if (message.refused !== null) throw new IngestInputError(message.refused);
        return;
      }
      onRawBytes?.(message.rawBytes);
    }
  }

  /** Stops the thread (when the import ends, or fails midway). */
  async close(): Promise<void> {
    this.failure ??= new Error("closed");
    await this.worker.terminate();
  }
}
