/**
 * One trace file (an upload's body, a file `trh import` reads) into the writer: gunzip if asked,
 * detect or check the format on the first lines, parse as a stream, write. Nothing is held whole
 * in memory; size limits and a decompression-ratio guard stop oversized bodies and gzip bombs.
 */
import { createGunzip } from "node:zlib";
import { Readable } from "node:stream";
import type { Scope } from "@/lib/auth/scope";
import { detectFormat, parseTraceStream } from "./parsers";
import { parseNativeStream } from "./parsers/native";
import type { TraceEvent } from "./normalized-call";
import { ingestEvents, type IngestProgress, type IngestResult } from "./writer";

/** Formats of `POST /api/v1/ingest?format=` (CONTRACT.md); "auto" detects from the first lines. */
export const ingestFormats = ["claude-code", "codex", "otlp-json", "native"] as const;
export type IngestFormat = (typeof ingestFormats)[number];

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
const DETECT_BYTES = 64 * 1024;

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
  const source: AsyncIterable<Buffer> = body.gzip ? Readable.from(counted).pipe(createGunzip()) : (counted as AsyncIterable<Buffer>);
  let decoded = 0;
  const limit = maxUploadBytes();
  try {
    for await (const chunk of source) {
      decoded += chunk.byteLength;
      if (decoded > limit) throw new IngestInputError(`the body is larger than the limit of ${limit} bytes (TRH_MAX_UPLOAD_BYTES)`, 413);
      if (body.gzip && decoded > RATIO_GRACE_BYTES && decoded > raw * MAX_GZIP_RATIO) {
        throw new IngestInputError(`refused: the gzip body expands more than ${MAX_GZIP_RATIO}x, which no trace file does`, 413);
      }
      yield Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    }
  } catch (error) {
    if (error instanceof IngestInputError) throw error;
    if ((error as NodeJS.ErrnoException).code?.startsWith("Z_")) throw new IngestInputError(`the body is not valid gzip (${(error as Error).message})`);
    throw error;
  }
}

/** Reads enough of the stream to decide its format, then hands back every byte. */
async function peekFormat(bytes: AsyncIterable<Buffer>): Promise<{ format: "claude-code" | "codex" | null; empty: boolean; stream: AsyncIterable<Buffer> }> {
  const iterator = bytes[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let size = 0;
  let done = false;
  while (size < DETECT_BYTES) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    head.push(next.value);
    size += next.value.byteLength;
    if (Buffer.concat(head).subarray(0, DETECT_BYTES).includes(0x0a)) break;
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
  return { format: detectFormat(text.split("\n").slice(0, 20)), empty: text.trim() === "", stream };
}

export interface IngestFileInput {
  /** The requested format, or "auto". */
  format: IngestFormat | "auto";
  /** Path relative to its root: Claude Code's subagent files carry their parent session in it. */
  fileName: string;
  body: FileBody;
}

/** The events of one JSONL trace file (claude-code, codex or native), format checked or detected. */
export async function fileEvents(input: IngestFileInput): Promise<{ format: "claude-code" | "codex" | "native"; events: AsyncIterable<TraceEvent> }> {
  const peeked = await peekFormat(decodedBytes(input.body));
  let format: "claude-code" | "codex" | "native";
  if (input.format === "native") format = "native";
  else if (input.format === "otlp-json") throw new IngestInputError("otlp-json bodies are whole OTLP requests: see ingest-otlp.ts");
  else if (peeked.empty) format = input.format === "auto" ? "claude-code" : input.format;
  else if (peeked.format === null) throw new IngestInputError(`${input.fileName} is not a trace file this server reads; ${acceptedFormatsMessage}`);
  else if (input.format !== "auto" && peeked.format !== input.format) {
    throw new IngestInputError(`${input.fileName} looks like ${peeked.format}, not ${input.format}; ${acceptedFormatsMessage}`);
  } else format = peeked.format;
  return { format, events: parseWith(format, peeked.stream, input.fileName) };
}

/** Ingests one trace file as its own batch (an upload, an API request). OTLP requests go through ingest-otlp.ts. */
export async function ingestFile(scope: Scope, input: IngestFileInput, onProgress?: (progress: IngestProgress) => void): Promise<IngestResult> {
  const { format, events } = await fileEvents(input);
  return ingestEvents(scope, { format, fileName: input.fileName, events }, onProgress);
}

function parseWith(format: "claude-code" | "codex" | "native", stream: AsyncIterable<Buffer>, fileName: string): AsyncIterable<TraceEvent> {
  return format === "native" ? parseNativeStream(stream, fileName) : parseTraceStream(format, stream, fileName, { withDetails: true });
}
