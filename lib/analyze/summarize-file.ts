/**
 * The per-file work of `trh analyze`: parse and reduce each call to what the report needs.
 * Pricing happens later, in the ledger, so worker threads never load the price table.
 */
import { parseTraceStream, readFileChunks } from "../ingest/parsers";
import { validEvents } from "../ingest/validate-events";
import { type FoundFile, foreignFileProblem, formatOfHead } from "./trace-files";

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

/** The chunks of a file, its first one already read. */
function* startingWith(first: Buffer, rest: Generator<Buffer>): Generator<Buffer> {
  yield first;
  yield* rest;
}

/**
 * One file's calls and bad lines. Its format is told by its first chunk, here rather than when
 * the file is found: the threads that read the files share that work, and each file is opened
 * once. A file that cannot be opened or is no agent's trace is reported as a line-0 error.
 */
export async function summarizeFile(file: FoundFile): Promise<FileSummary> {
  const summary: FileSummary = { calls: [], errors: [], moreErrors: 0 };
  const chunks = readFileChunks(file.absolutePath);
  let head: IteratorResult<Buffer, void>;
  try {
    head = chunks.next();
  } catch (error) {
    summary.errors.push({
      file: file.absolutePath,
      line: 0,
      message: error instanceof Error ? error.message : String(error),
    });
    return summary;
  }
  if (head.done) return summary;
  const format = formatOfHead(head.value, file.absolutePath);
  if (format === null) {
    chunks.return(undefined);
    const problem = foreignFileProblem(file.absolutePath);
    if (problem !== null) summary.errors.push({ file: problem.file, line: 0, message: problem.message });
    return summary;
  }
  // The same validation as the writer's, so analyze and import refuse the same records.
  for await (const event of validEvents(
    parseTraceStream(format, startingWith(head.value, chunks), file.fileName, { withDetails: false }),
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
