/**
 * One trace file's body (an upload's, a file `trh import` reads) into events: gunzip if asked,
 * detect or check the format on the first lines, parse as a stream; a body from which nothing
 * could be read is an error naming what was expected, never an empty success. Nothing is held
 * whole in memory; size limits and a decompression-ratio guard stop oversized bodies and gzip
 * bombs. Nothing here touches the database: the parser thread of `trh import` runs it.
 */

import { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { type IngestFormat, ingestFormats } from "./formats";
import type { TraceEvent } from "./normalized-call";
import { detectFormat, parseTraceStream } from "./parsers";
import { parseNativeStream } from "./parsers/native";

export class IngestInputError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 413 = 400,
  ) {
    super(message);
  }
}

export const acceptedFormatsMessage = `accepted formats: ${ingestFormats.join(", ")} (or auto)`;

/** Decompressed bytes one body may expand to (TRH_MAX_UPLOAD_BYTES, default 2 GiB). */
export function maxUploadBytes(): number {
  const configured = Number(process.env.TRH_MAX_UPLOAD_BYTES);
  return Number.isFinite(configured) && configured > 0 ? configured : 2 * 1024 ** 3;
}

/** Trace JSONL compresses 5-20x; past this ratio (after the first 10 MB) a body is a bomb, not a trace. */
const MAX_GZIP_RATIO = 200;
const RATIO_GRACE_BYTES = 10 * 1024 * 1024;
const DETECT_BYTES = 256 * 1024;

export interface FileBody {
  /** The raw bytes as sent (possibly gzip). */
  bytes: AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
  gzip: boolean;
  /** Called with the raw bytes read so far, for progress bars. */
  onRawBytes?: (bytes: number) => void;
}

/** The body's decompressed bytes, with the size and ratio limits enforced while streaming. */
export async function* decodedBytes(body: FileBody): AsyncGenerator<Buffer> {
  let raw = 0;
  const counted = (async function* () {
    for await (const chunk of body.bytes) {
      raw += chunk.byteLength;
      body.onRawBytes?.(raw);
      yield chunk;
    }
  })();
  const source: AsyncIterable<Buffer> = body.gzip
    ? Readable.from(counted).pipe(createGunzip())
    : (counted as AsyncIterable<Buffer>);
  let decoded = 0;
  const limit = maxUploadBytes();
  try {
    for await (const chunk of source) {
      decoded += chunk.byteLength;
      if (decoded > limit)
        throw new IngestInputError(`the body is larger than the limit of ${limit} bytes (TRH_MAX_UPLOAD_BYTES)`, 413);
      if (body.gzip && decoded > RATIO_GRACE_BYTES && decoded > raw * MAX_GZIP_RATIO) {
        throw new IngestInputError(
          `refused: the gzip body expands more than ${MAX_GZIP_RATIO}x, which no trace file does`,
          413,
        );
      }
      yield Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    }
  } catch (error) {
    if (error instanceof IngestInputError) throw error;
    if ((error as NodeJS.ErrnoException).code?.startsWith("Z_"))
      throw new IngestInputError(`the body is not valid gzip (${(error as Error).message})`);
    throw error;
  }
}

/** Lines looked at to decide a format; a file whose first lines are all foreign is not a trace. */
const DETECT_LINES = 50;

/**
 * Reads the first lines of the stream (at most DETECT_LINES lines or DETECT_BYTES bytes, so a
 * huge file is never buffered), decides its format, then hands back every byte.
 */
async function peekFormat(
  bytes: AsyncIterable<Buffer>,
): Promise<{ format: IngestFormat | null; empty: boolean; stream: AsyncIterable<Buffer> }> {
  const iterator = bytes[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let size = 0;
  let newlines = 0;
  let done = false;
  while (size < DETECT_BYTES && newlines < DETECT_LINES) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    head.push(next.value);
    size += next.value.byteLength;
    for (let at = next.value.indexOf(0x0a); at !== -1; at = next.value.indexOf(0x0a, at + 1)) newlines += 1;
  }
  const text = Buffer.concat(head).subarray(0, DETECT_BYTES).toString("utf8");
  const stream = (async function* () {
    yield* head;
    if (!done) {
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        yield next.value;
      }
    }
  })();
  return { format: detectFormat(text.split("\n").slice(0, DETECT_LINES)), empty: text.trim() === "", stream };
}

/** The error of a file from which nothing could be read: it names what would have been. */
export function nothingFoundMessage(fileName: string): string {
  return (
    `no Claude Code, Codex, OTLP or native records found in ${fileName}; expected Claude Code transcript lines ` +
    `({"type":"assistant","sessionId",...}), Codex rollout lines ({"timestamp","type","payload"}), an OTLP/JSON export ` +
    `request ({"resourceSpans"|"resourceLogs":[...]}), native lines ({"sessionId","callKey","timestamp","model","inputTokens","outputTokens"}) ` +
    `or another agent's log: OpenCode (opencode.db or storage/message/*.json), Gemini CLI (chats/session-*.jsonl or .json), ` +
    `Copilot CLI (session-state/*/events.jsonl or its OpenTelemetry .jsonl export), Amp (threads/T-*.json) or Qwen Code (chats/*.jsonl)`
  );
}

export interface IngestFileInput {
  /** The requested format, or "auto". */
  format: IngestFormat | "auto";
  /** Path relative to its root: Claude Code's subagent files carry their parent session in it. */
  fileName: string;
  body: FileBody;
}

/**
 * A body's decoded bytes and its format: the requested one, checked against the content, or the
 * detected one for "auto". Throws IngestInputError when the content fits no format, or another one.
 */
export async function openTraceBody(
  input: IngestFileInput,
): Promise<{ format: IngestFormat; stream: AsyncIterable<Buffer> }> {
  const peeked = await peekFormat(decodedBytes(input.body));
  if (peeked.empty || peeked.format === null) throw new IngestInputError(nothingFoundMessage(input.fileName));
  if (input.format !== "auto" && peeked.format !== input.format) {
    throw new IngestInputError(
      `${input.fileName} looks like ${peeked.format}, not ${input.format}; ${acceptedFormatsMessage}`,
    );
  }
  return { format: peeked.format, stream: peeked.stream };
}

/**
 * The events of one trace file (any format but OTLP), format checked or detected.
 * A file that yields nothing at all (no call, no session, no tool result, not even a line error)
 * throws IngestInputError at its end: its lines looked like a format but none was one.
 */
export async function fileEvents(
  input: IngestFileInput,
): Promise<{ format: JsonlFormat; events: AsyncIterable<TraceEvent> }> {
  const { format, stream } = await openTraceBody(input);
  if (format === "otlp-json")
    throw new IngestInputError(
      `${input.fileName} is an OTLP export request: send it to POST /api/v1/ingest or /api/otlp/v1/...`,
    );
  return { format, events: traceEvents(format, stream, input.fileName) };
}

type JsonlFormat = Exclude<IngestFormat, "otlp-json">;

export async function* traceEvents(
  format: JsonlFormat,
  stream: AsyncIterable<Buffer>,
  fileName: string,
): AsyncGenerator<TraceEvent> {
  const parsed =
    format === "native"
      ? parseNativeStream(stream, fileName)
      : parseTraceStream(format, stream, fileName, { withDetails: true });
  let any = false;
  for await (const event of parsed) {
    any = true;
    yield event;
  }
  if (!any) throw new IngestInputError(nothingFoundMessage(fileName));
}
