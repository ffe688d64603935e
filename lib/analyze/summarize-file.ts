/** The per-file work of `trh analyze`: parse, price, and reduce each call to what the report needs. */
import { parseTraceStream, readFileChunks } from "../ingest/parsers";
import { priceCall, type PriceOverride } from "../pricing/price-book";
import type { TraceFile } from "./trace-files";

/** One priced call, small enough to keep a few hundred thousand and to pass between threads. */
export interface CallRow {
  callKey: string;
  /** Set on sidechain calls only: a main-thread call with this message id makes this one a /btw copy. */
  sidechainMessageId: string | null;
  /** Set on main-thread calls only. */
  mainMessageId: string | null;
  /** UTC day of the call, YYYY-MM-DD. */
  date: string;
  model: string;
  sessionId: string;
  project: string | null;
  uncachedInput: number;
  cacheRead: number;
  cacheWrite: number;
  output: number;
  costUsd: number;
  priced: boolean;
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
    const segment = cwd.split(/[\\/]/).filter((part) => part !== "").pop();
    if (segment !== undefined) return segment;
  }
  return projectFolder;
}

export async function summarizeFile(file: TraceFile, overrides: readonly PriceOverride[] = []): Promise<FileSummary> {
  const summary: FileSummary = { calls: [], errors: [], moreErrors: 0 };
  for await (const event of parseTraceStream(file.format, readFileChunks(file.absolutePath), file.fileName, { withDetails: false })) {
    if (event.kind === "error") {
      if (summary.errors.length < MAX_ERRORS_PER_FILE) summary.errors.push({ file: file.absolutePath, line: event.line, message: event.message });
      else summary.moreErrors += 1;
    } else if (event.kind === "call") {
      const call = event.call;
      const price = priceCall(call, overrides);
      summary.calls.push({
        callKey: call.callKey,
        sidechainMessageId: call.isSidechain ? call.messageId : null,
        mainMessageId: call.isSidechain ? null : call.messageId,
        date: call.timestamp.toISOString().slice(0, 10),
        model: call.model,
        sessionId: call.sessionId,
        project: projectName(call.cwd, file.projectFolder),
        uncachedInput: call.uncachedInput,
        cacheRead: call.cacheRead,
        cacheWrite: call.cacheWrite5m + call.cacheWrite1h,
        output: call.output,
        costUsd: price.costUsd,
        priced: price.priced,
      });
    }
  }
  return summary;
}
