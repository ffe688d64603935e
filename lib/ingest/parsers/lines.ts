/**
 * Splits a byte stream into lines without ever holding more than the current chunk plus one
 * partial line (docs/FORMATS.md rule 6: sessions can exceed 500 MB, single lines many MB).
 */
import { isUtf8 } from "node:buffer";
import { closeSync, fstatSync, openSync, readSync } from "node:fs";

export interface RawLine {
  /** 1-based line number in the file. */
  number: number;
  bytes: Buffer;
  /** The file's last line had no newline: often a write cut short, so it is always checked. */
  unterminated: boolean;
}

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

export type ByteSource = AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>;

/**
 * Yields the complete lines of each chunk as one batch, so per-line work stays synchronous.
 * Lines are views into the chunk, valid until the next batch is requested: the source may reuse
 * its buffer (the unfinished end of a chunk is copied). With `only`, lines that do not contain
 * those bytes are counted but not returned (the file's last line, unterminated, always is):
 * one search through the chunk finds the next line worth reading, instead of one per line.
 */
export async function* readLineBatches(source: ByteSource, only?: Buffer): AsyncGenerator<RawLine[]> {
  let partial: Buffer[] = [];
  let lineNumber = 0;
  for await (const piece of source) {
    const chunk =
      typeof piece === "string"
        ? Buffer.from(piece)
        : Buffer.isBuffer(piece)
          ? piece
          : Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
    const batch: RawLine[] = [];
    let start = 0;
    let end = chunk.indexOf(NEWLINE, start);
    // Where `only` next occurs in this chunk (a line ending before it does not contain it: the bytes hold no newline).
    let wanted = -1;
    while (end !== -1) {
      lineNumber += 1;
      if (only !== undefined && partial.length === 0) {
        if (wanted < start) {
          wanted = chunk.indexOf(only, start);
          if (wanted === -1) wanted = chunk.length;
        }
        if (wanted > end) {
          start = end + 1;
          end = chunk.indexOf(NEWLINE, start);
          continue;
        }
      }
      let bytes = chunk.subarray(start, end);
      let wantedLine = true;
      if (partial.length > 0) {
        partial.push(bytes);
        bytes = Buffer.concat(partial);
        partial = [];
        wantedLine = only === undefined || bytes.indexOf(only) !== -1;
      }
      if (wantedLine) pushLine(batch, lineNumber, bytes, false);
      start = end + 1;
      end = chunk.indexOf(NEWLINE, start);
    }
    if (start < chunk.length) partial.push(Buffer.from(chunk.subarray(start)));
    if (batch.length > 0) yield batch;
  }
  if (partial.length > 0) {
    const batch: RawLine[] = [];
    pushLine(batch, lineNumber + 1, Buffer.concat(partial), true);
    if (batch.length > 0) yield batch;
  }
}

function pushLine(batch: RawLine[], number: number, bytes: Buffer, unterminated: boolean): void {
  const trimmed = bytes.length > 0 && bytes[bytes.length - 1] === CARRIAGE_RETURN ? bytes.subarray(0, -1) : bytes;
  if (trimmed.length > 0) batch.push({ number, bytes: trimmed, unterminated });
}

/** Decodes and parses one line, or returns the reason it cannot be read. */
export function parseJsonLine(bytes: Buffer): { value: unknown } | { error: string } {
  if (!isUtf8(bytes)) return { error: "line is not valid UTF-8" };
  try {
    return { value: JSON.parse(bytes.toString("utf8")) };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { error: `invalid JSON (${reason.slice(0, 120)})` };
  }
}

/**
 * JSON.parse reads any depth, but everything recursive after it (JSON.stringify, walkers) overflows
 * the stack on hostile nesting; values deeper than this are not walked. Real tool inputs nest a
 * handful of levels.
 */
export const MAX_JSON_DEPTH = 256;

/** Whether a parsed JSON value nests deeper than `limit` arrays or objects; iterative, so any depth is safe. */
export function nestedDeeperThan(value: unknown, limit: number): boolean {
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const { value: current, depth } = stack.pop()!;
    if (typeof current !== "object" || current === null) continue;
    if (depth + 1 > limit) return true;
    for (const child of Array.isArray(current) ? current : Object.values(current)) {
      if (typeof child === "object" && child !== null) stack.push({ value: child, depth: depth + 1 });
    }
  }
  return false;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function stringOrNull(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

/**
 * A token count as the trace wrote it: 0 when absent or null, NaN when not a number. Negative,
 * fractional and impossible counts are passed on, so validate-events.ts refuses the record with
 * its line instead of a parser quietly counting something else.
 */
export function tokenCount(value: unknown): number {
  if (value === undefined || value === null) return 0;
  return typeof value === "number" ? value : NaN;
}

/** Parses an ISO timestamp; null when absent or invalid. */
export function dateOrNull(value: unknown): Date | null {
  if (typeof value !== "string") return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

const FILE_CHUNK_BYTES = 1024 * 1024;

/**
 * A file's bytes in chunks, read synchronously into one reused buffer: many times faster than a
 * read stream on thousands of small files, for callers (the CLI, worker threads) that own their
 * thread.
 */
export function* readFileChunks(absolutePath: string, chunkBytes: number = FILE_CHUNK_BYTES): Generator<Buffer> {
  const fd = openSync(absolutePath, "r");
  try {
    // Small files (most transcripts) get a buffer of their own size, not a full chunk.
    const buffer = Buffer.allocUnsafe(Math.max(1, Math.min(chunkBytes, fstatSync(fd).size + 1)));
    for (;;) {
      const bytesRead = readSync(fd, buffer, 0, buffer.length, null);
      if (bytesRead === 0) return;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    closeSync(fd);
  }
}
