/**
 * Many trace files in one request (`POST /api/v1/ingest/files`), one batch for all of them: the
 * writer's chunks span files, and the after-commit work (the findings recompute) runs once for
 * the runs of the whole request instead of once per file. What `trh push` sends.
 *
 * The body (gzip allowed as a whole, Content-Encoding: gzip) is a sequence of files, each a
 * header line of JSON and then exactly that many bytes:
 *
 *   {"file":"proj/session.jsonl","format":"claude-code","bytes":1234}\n<1234 bytes>
 *
 * A header may add `"gzip":true`: that file's bytes are gzip (a `.gz` file as the upload page
 * sends it), decoded and capped on their own. What the upload page and `trh push` send.
 *
 * It is read as it arrives: one file's bytes at a time go to its parser, never the whole body.
 * A file that fits no format is that file's error; the others are stored. An OTLP/JSON export
 * file is stored as a batch of its own (it is read whole), its figures added to the answer.
 */
import type { Scope } from "@/lib/auth/scope";
import { type FileHeader, fileHeaderSchema, MAX_HEADER_BYTES } from "./file-frames";
import { type IngestFormat, ingestFormats } from "./formats";
import { ingestOtlpJsonFile } from "./ingest-otlp";
import {
  acceptedFormatsMessage,
  decodedBytes,
  type FileBody,
  IngestInputError,
  openTraceBody,
  traceEvents,
} from "./trace-body";
import { cleanText, MAX_ID_CHARS } from "./validate-events";
import { type IngestError, type IngestResult, IngestWriter } from "./writer";

export interface IngestFilesResult {
  batchId: string;
  files: number;
  runs: number;
  runIds: string[];
  calls: number;
  duplicates: number;
  costUsd: number;
  unpricedModels: string[];
  errorCount: number;
  /** Line errors name their file; a file refused as a whole has line 0. */
  errors: { file: string; line: number; message: string }[];
}

/** Reads a byte stream as header lines and sized parts, buffering at most one chunk ahead. */
class FrameReader {
  private buffered: Buffer = Buffer.alloc(0);
  private readonly iterator: AsyncIterator<Buffer>;
  private ended = false;

  constructor(bytes: AsyncIterable<Buffer>) {
    this.iterator = bytes[Symbol.asyncIterator]();
  }

  private async more(): Promise<boolean> {
    if (this.ended) return false;
    const next = await this.iterator.next();
    if (next.done) {
      this.ended = true;
      return false;
    }
    this.buffered = this.buffered.length === 0 ? next.value : Buffer.concat([this.buffered, next.value]);
    return true;
  }

  /** The next header, or null at the end of the body. */
  async header(): Promise<FileHeader | null> {
    for (;;) {
      const newline = this.buffered.indexOf(0x0a);
      if (newline !== -1 && newline <= MAX_HEADER_BYTES) {
        const line = this.buffered.subarray(0, newline).toString("utf8");
        this.buffered = this.buffered.subarray(newline + 1);
        let json: unknown;
        try {
          json = JSON.parse(line);
        } catch {
          throw new IngestInputError(
            `a file header is not JSON: expected {"file","format","bytes"} then that many bytes`,
          );
        }
        const parsed = fileHeaderSchema.safeParse(json);
        if (!parsed.success)
          throw new IngestInputError(
            `a file header is invalid: ${parsed.error.issues[0]?.message ?? "expected {file, format, bytes}"}`,
          );
        return parsed.data;
      }
      if (this.buffered.length > MAX_HEADER_BYTES)
        throw new IngestInputError(`a file header is longer than ${MAX_HEADER_BYTES} bytes`);
      if (!(await this.more())) {
        if (this.buffered.length === 0) return null;
        throw new IngestInputError("the body ends inside a file header");
      }
    }
  }

  /** Bytes of the current file not handed out yet. */
  private remaining = 0;

  /**
   * The current file's `count` bytes, as they arrive; `file` names the file in the error of a
   * short body. A consumer that stops early (a refused file) leaves the rest to skipRest().
   */
  take(count: number, file: string): AsyncGenerator<Buffer> {
    this.remaining = count;
    return this.rest(file);
  }

  private async *rest(file: string): AsyncGenerator<Buffer> {
    while (this.remaining > 0) {
      if (this.buffered.length === 0 && !(await this.more()))
        throw new IngestInputError(`the body ends inside ${file} (${this.remaining} of its bytes missing)`);
      const part = this.buffered.subarray(0, Math.min(this.remaining, this.buffered.length));
      this.buffered = this.buffered.subarray(part.length);
      this.remaining -= part.length;
      yield part;
    }
  }

  /** Skips what the current file's consumer left unread, to reach the next header. */
  async skipRest(file: string): Promise<void> {
    for await (const _ of this.rest(file)) void _;
  }
}

/** Ingests every file of a multi-file body as one batch. */
export async function ingestFiles(
  scope: Scope,
  body: FileBody,
  /** Told of each file once it is read (its calls are written with the batch): its place in the body, and why it was refused. */
  onFile?: (file: { index: number; file: string; refused: string | null }) => void,
  /** IngestInput's: the route queues the after-commit work, library callers await it. */
  afterCommit: "await" | "queue" = "await",
): Promise<IngestFilesResult> {
  const reader = new FrameReader(decodedBytes(body));
  const writer = await IngestWriter.open(scope, { format: "files", fileName: null, afterCommit });
  const refused: IngestFilesResult["errors"] = [];
  const separate: IngestResult[] = [];
  let files = 0;
  try {
    for (let header = await reader.header(); header !== null; header = await reader.header()) {
      files += 1;
      // The name is the client's: stored and shown, so cleaned like any trace text.
      const fileName = cleanText(header.file, MAX_ID_CHARS);
      const bytes = reader.take(header.bytes, fileName);
      try {
        const format = header.format as IngestFormat | "auto";
        if (format !== "auto" && !ingestFormats.includes(format))
          throw new IngestInputError(`${fileName}: ${acceptedFormatsMessage}`);
        const opened = await openTraceBody({ format, fileName, body: { bytes, gzip: header.gzip } });
        // An OTLP export is read whole and carries its sessions' emails: a batch of its own.
        if (opened.format === "otlp-json")
          separate.push(await ingestOtlpJsonFile(scope, opened.stream, fileName, afterCommit));
        else await writer.addAll(traceEvents(opened.format, opened.stream, fileName), fileName);
        onFile?.({ index: files - 1, file: fileName, refused: null });
      } catch (error) {
        if (!(error instanceof IngestInputError) || error.status === 413) throw error;
        refused.push({ file: fileName, line: 0, message: error.message });
        onFile?.({ index: files - 1, file: fileName, refused: error.message });
      }
      // What the file's parser left unread (a refused file) is skipped to reach the next header.
      await reader.skipRest(fileName);
    }
    const results = [await writer.finish(), ...separate];
    const sum = (pick: (result: IngestResult) => number) => results.reduce((total, result) => total + pick(result), 0);
    const runIds = [...new Set(results.flatMap((result) => result.runIds))];
    const lineErrors = results.flatMap((result) =>
      result.errors.map((error: IngestError) => ({ file: error.file ?? "", line: error.line, message: error.message })),
    );
    return {
      batchId: results[0]!.batchId,
      files,
      runs: runIds.length,
      runIds,
      calls: sum((result) => result.calls),
      duplicates: sum((result) => result.duplicates),
      costUsd: sum((result) => result.costUsd),
      unpricedModels: [...new Set(results.flatMap((result) => result.unpricedModels))].sort(),
      errorCount: sum((result) => result.errorCount) + refused.length,
      errors: [...refused, ...lineErrors],
    };
  } catch (error) {
    await writer.fail(error);
    throw error;
  }
}
