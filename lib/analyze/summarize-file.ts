/**
 * The per-file work of `trh analyze`: parse and reduce each call to what the report needs.
 * Pricing happens later, in the ledger, so worker threads never load the price table.
 */
import { parseTraceStream, readFileChunks } from "../ingest/parsers";
import { validEvents } from "../ingest/validate-events";
import type { TraceFile } from "./trace-files";

/** One call, small enough to keep a few hundred thousand and to pass between threads. */
export interface CallRow {
  callKey: string;
  /** Set on sidechain calls only: a main-thread call with this message id makes this one a /btw copy. */
  sidechainMessageId: string | null;
  /** Set on main-thread calls only. */
  mainMessageId: string | null;
  /** Milliseconds since the epoch. */
  time: number;
  model: string;
  sessionId: string;
  project: string | null;
  uncachedInput: number;
  cacheRead: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  output: number;
  fast: boolean;
}

export interface LineError {
  file: string;
  line: number;
  message: string;
}

export interface FileSummary {
  calls: CallRow[];
  errors: LineError[];
  /** Bad lines beyond MAX_ERRORS_PER_FILE are counted, not listed. */
  moreErrors: number;
}

export const MAX_ERRORS_PER_FILE = 50;

/** The project a call belongs to: the last segment of its working directory, else the projects folder. */
function projectName(cwd: string | null, projectFolder: string | null): string | null {
  if (cwd !== null && cwd !== "") {
    const segment = cwd
      .split(/[\\/]/)
      .filter((part) => part !== "")
      .pop();
    if (segment !== undefined) return segment;
  }
  return projectFolder;
}

export async function summarizeFile(file: TraceFile): Promise<FileSummary> {
  const summary: FileSummary = { calls: [], errors: [], moreErrors: 0 };
  // The same validation as the writer's, so analyze and import refuse the same records.
  for await (const event of validEvents(
    parseTraceStream(file.format, readFileChunks(file.absolutePath), file.fileName, { withDetails: false }),
  )) {
    if (event.kind === "error") {
      if (summary.errors.length < MAX_ERRORS_PER_FILE)
        summary.errors.push({ file: file.absolutePath, line: event.line, message: event.message });
      else summary.moreErrors += 1;
    } else if (event.kind === "call") {
      const call = event.call;
      summary.calls.push({
        callKey: call.callKey,
        sidechainMessageId: call.isSidechain ? call.messageId : null,
        mainMessageId: call.isSidechain ? null : call.messageId,
        time: call.timestamp.getTime(),
        model: call.model,
        sessionId: call.sessionId,
        project: projectName(call.cwd, file.projectFolder),
        uncachedInput: call.uncachedInput,
        cacheRead: call.cacheRead,
        cacheWrite5m: call.cacheWrite5m,
        cacheWrite1h: call.cacheWrite1h,
        output: call.output,
        fast: call.speed === "fast",
      });
    }
  }
  return summary;
}
