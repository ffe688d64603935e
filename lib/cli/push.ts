/**
 * `trh push PATH... --url URL --key KEY [--watch]`: sends new trace lines to a running server
 * through `POST /api/v1/ingest/files`, many files per request (one batch on the server). It
 * remembers, per file, how many bytes it has sent (always up to a line end), so each run sends
 * only what is new; with --watch it keeps sending as files grow.
 * The other agents' files (OpenCode, Gemini CLI, Copilot CLI, Amp, Qwen Code) go whole whenever
 * their size or modification time changes: several are one document rewritten in place (a
 * database, a thread), and the others' calls need lines from the file's start (Gemini CLI's
 * session id, Copilot CLI's session start). The server de-duplicates anyway, so a lost state
 * file, or a file sent again, costs bandwidth, never correctness.
 */
import { createReadStream, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";
import { z } from "zod";
import { findTraceFiles, type TraceFile } from "@/lib/analyze/trace-files";
import { formatUsd } from "@/lib/format";
import { fileFrame } from "@/lib/ingest/file-frames";
import { isAgentFormat, type TraceFormat } from "@/lib/ingest/formats";
import { CommandError, UsageError } from "./errors";

const WATCH_INTERVAL_MS = 2000;
/** Upper bound of one request's body, so a huge new file goes up in pieces. */
const MAX_REQUEST_BYTES = 32 * 1024 * 1024;

const fileStateSchema = z.object({
  sentBytes: z.number().int().nonnegative(),
  /** Lines in those bytes, so the server's line numbers can be turned into the file's. */
  sentLines: z.number().int().nonnegative().default(0),
  /** Codex lines that carry no usage but that later lines depend on (session id, model). */
  contextLines: z.array(z.string()).default([]),
  /** Modification time of a file sent whole, when it was sent. */
  sentMtimeMs: z.number().nonnegative().default(0),
});
const stateSchema = z.record(z.string(), z.record(z.string(), fileStateSchema));
type FileState = z.infer<typeof fileStateSchema>;

/** TRH_PUSH_STATE, else ~/.config/trh/push-state.json; keyed by server URL, then file path. */
function statePath(): string {
  return process.env.TRH_PUSH_STATE || path.join(os.homedir(), ".config", "trh", "push-state.json");
}

function loadState(): z.infer<typeof stateSchema> {
  try {
    return stateSchema.parse(JSON.parse(readFileSync(statePath(), "utf8")));
  } catch {
    return {};
  }
}

function saveState(state: z.infer<typeof stateSchema>): void {
  mkdirSync(path.dirname(statePath()), { recursive: true });
  writeFileSync(statePath(), JSON.stringify(state, null, 1));
}

/** Reads [from, to) of a file. */
async function readRange(file: string, from: number, to: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of createReadStream(file, { start: from, end: to - 1 })) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

const CODEX_CONTEXT = /"type"\s*:\s*"(session_meta|turn_context)"/;

interface Totals {
  calls: number;
  duplicates: number;
  costUsd: number;
  errors: { file: string; line: number; message: string }[];
}

/** One file's new bytes, ready to go in a request. */
interface Part {
  file: TraceFile;
  state: FileState;
  /** Codex context lines resent before the new ones, so they parse alone. */
  prefix: Buffer;
  /** New complete lines, or the whole file of a format sent whole. */
  complete: Buffer;
  /** Whether the file has more after this part (it went up in pieces). */
  more: boolean;
  /** For a file sent whole: its size and modification time when read, remembered once it is sent. */
  whole: { size: number; mtimeMs: number } | null;
}

/** The other agents' files go whole (see the top of this file). */
const sentWhole = (format: TraceFormat) => isAgentFormat(format);

/**
 * The next piece of what is new in a file (up to MAX_REQUEST_BYTES, ending at a line end), or
 * null; a file sent whole is one piece, when its size or modification time changed.
 */
async function nextPart(file: TraceFile, state: FileState): Promise<Part | null> {
  if (sentWhole(file.format)) {
    const { size, mtimeMs } = statSync(file.absolutePath);
    if (size === state.sentBytes && mtimeMs === state.sentMtimeMs) return null;
    return {
      file,
      state,
      prefix: Buffer.alloc(0),
      complete: readFileSync(file.absolutePath),
      more: false,
      whole: { size, mtimeMs },
    };
  }
  const size = statSync(file.absolutePath).size;
  if (size < state.sentBytes) Object.assign(state, { sentBytes: 0, sentLines: 0 }); // rewritten or truncated: start over, the server de-duplicates
  if (size <= state.sentBytes) return null;
  const end = Math.min(size, state.sentBytes + MAX_REQUEST_BYTES);
  const bytes = await readRange(file.absolutePath, state.sentBytes, end);
  const lastNewline = bytes.lastIndexOf(0x0a);
  // A line still being written waits for the next round; a single line longer than a request goes as it is.
  const complete =
    lastNewline === -1 ? (bytes.length >= MAX_REQUEST_BYTES ? bytes : null) : bytes.subarray(0, lastNewline + 1);
  if (!complete) return null;
  const prefix =
    file.format === "codex" && state.contextLines.length > 0
      ? Buffer.from(`${state.contextLines.join("\n")}\n`)
      : Buffer.alloc(0);
  return { file, state, prefix, complete, more: state.sentBytes + complete.length < size, whole: null };
}

const responseSchema = z.object({
  calls: z.number(),
  duplicates: z.number(),
  costUsd: z.number(),
  errors: z.array(z.object({ file: z.string(), line: z.number(), message: z.string() })),
});

/** One request's body: the parts framed (lib/ingest/file-frames.ts), gzipped. */
function requestBody(parts: Part[]): ReturnType<typeof gzipSync> {
  return gzipSync(
    Buffer.concat(
      parts.map((part) =>
        fileFrame({ file: part.file.fileName, format: part.file.format }, Buffer.concat([part.prefix, part.complete])),
      ),
    ),
  );
}

/**
 * What the answer to a part's request needs (its offsets to move, its line numbers to translate),
 * taken before it is sent so that its bytes are not held while the request is in flight.
 */
interface SentPart {
  file: TraceFile;
  state: FileState;
  /** Codex context lines resent before the new ones (the server counts them in its line numbers). */
  contextCount: number;
  bytes: number;
  lines: number;
  /** The Codex context lines after this part (null for other formats). */
  contextLines: string[] | null;
  whole: Part["whole"];
}

function sentPart({ file, state, prefix, complete, whole }: Part): SentPart {
  return {
    file,
    state,
    contextCount: prefix.length > 0 ? state.contextLines.length : 0,
    bytes: complete.length,
    lines: countLines(complete),
    contextLines: file.format === "codex" ? codexContext(state.contextLines, complete) : null,
    whole,
  };
}

/**
 * Sends parts of many files in one request to `POST /api/v1/ingest/files` (one batch on the
 * server, its findings recomputed once), then moves each file's remembered offset past its part.
 */
async function sendParts(
  parts: SentPart[],
  body: ReturnType<typeof gzipSync>,
  url: string,
  key: string,
  totals: Totals,
): Promise<void> {
  const response = await postFiles(`${url.replace(/\/$/, "")}/api/v1/ingest/files`, key, body);
  const json = (await response.json().catch(() => null)) as { error?: { message: string } } | null;
  if (!response.ok)
    throw new CommandError(
      `${parts.map((part) => part.file.absolutePath).join(", ")}: the server answered ${response.status}: ${json?.error?.message ?? response.statusText}`,
    );
  const result = responseSchema.parse(json);
  totals.calls += result.calls;
  totals.duplicates += result.duplicates;
  totals.costUsd += result.costUsd;
  const partOf = new Map(parts.map((part) => [part.file.fileName, part]));
  for (const error of result.errors) {
    const part = partOf.get(error.file);
    if (!part) continue;
    // Line 0: the file was refused as a whole, no line to translate; a file sent whole has its own numbers.
    const line = error.line === 0 || part.whole ? error.line : part.state.sentLines + error.line - part.contextCount;
    totals.errors.push({ file: part.file.absolutePath, line, message: error.message });
  }
  for (const { state, bytes, lines, contextLines, whole } of parts) {
    if (whole) {
      Object.assign(state, { sentBytes: whole.size, sentMtimeMs: whole.mtimeMs });
      continue;
    }
    if (contextLines !== null) state.contextLines = contextLines;
    state.sentBytes += bytes;
    state.sentLines += lines;
  }
}

/** Tries of a request whose connection was cut before any answer. */
const SEND_ATTEMPTS = 3;
/** How a connection cut under a request shows in Node's fetch (undici): the error's cause's code. */
const CUT_CONNECTION = new Set(["ECONNRESET", "EPIPE", "UND_ERR_SOCKET", "UND_ERR_CLOSED"]);

/**
 * Posts one body, again on a new connection when the one it went out on was cut before any answer:
 * a server closes a kept-alive connection after a few idle seconds (Node's and Next.js's 5 s), and a
 * request written into it as it closes fails ("fetch failed", EPIPE or "other side closed") while
 * this client gzipped its next 32 MB. Ingestion is idempotent, so sending the files again is safe
 * even if the server had read them. Any answer, an error status included, is final.
 */
async function postFiles(url: string, key: string, gzipped: ReturnType<typeof gzipSync>): Promise<Response> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await fetch(url, {
        method: "POST",
        headers: {
          authorization: `Bearer ${key}`,
          "content-encoding": "gzip",
          "content-type": "application/octet-stream",
        },
        body: gzipped,
      });
    } catch (error) {
      const code = ((error as Error).cause as NodeJS.ErrnoException | undefined)?.code;
      if (attempt >= SEND_ATTEMPTS || code === undefined || !CUT_CONNECTION.has(code)) throw error;
    }
  }
}

function countLines(bytes: Buffer): number {
  let count = 0;
  for (let index = bytes.indexOf(0x0a); index !== -1; index = bytes.indexOf(0x0a, index + 1)) count += 1;
  return count;
}

/** The session_meta and turn_context lines later lines depend on, resent before new lines so they parse alone. */
function codexContext(previous: string[], sent: Buffer): string[] {
  // The file's own session_meta (its first), the last one (a fork copies its ancestors' after its
  // own: call keys follow that lineage, see parsers/codex.ts) and the last turn_context (the model).
  const metas = previous.filter((line) => line.includes("session_meta"));
  let own = metas[0] ?? null;
  let lineage = metas.length > 1 ? metas[metas.length - 1]! : null;
  let turn = previous.find((line) => line.includes("turn_context")) ?? null;
  for (const line of sent.toString("utf8").split("\n")) {
    const match = CODEX_CONTEXT.exec(line);
    if (match?.[1] === "session_meta") {
      if (own === null) own = line;
      else lineage = line;
    } else if (match?.[1] === "turn_context") turn = line;
  }
  return [own, lineage, turn].filter((line): line is string => line !== null);
}

export async function pushCommand(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: {
        url: { type: "string" },
        key: { type: "string" },
        watch: { type: "boolean", default: false },
        json: { type: "boolean", default: false },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (!values.url) throw new UsageError("missing --url of the server, e.g. --url http://localhost:3000");
  if (!values.key) throw new UsageError("missing --key (an API key with the ingest scope)");
  if (!/^https?:\/\//.test(values.url)) throw new UsageError("--url must start with http:// or https://");

  const state = loadState();
  state[values.url] ??= {};
  const serverState = state[values.url]!;
  const totals: Totals = { calls: 0, duplicates: 0, costUsd: 0, errors: [] };
  const round = async () => {
    const { files, missing } = await findTraceFiles(positionals);
    if (missing.length > 0) throw new CommandError(`no such file or folder: ${missing.join(", ")}`);
    const sent = new Set<string>();
    // Parts of many files per request, up to MAX_REQUEST_BYTES; a file's name once per request
    // (its errors are matched by it), and a file larger than that goes up in several requests.
    let parts: Part[] = [];
    let bytes = 0;
    // One request in flight while the next is read, framed and gzipped: the client's CPU (a 500 MB
    // push: 33 s of it against the server's 49 s, bench/README.md) overlaps the server's work
    // instead of adding to its wall.
    let inFlight: Promise<void> = Promise.resolve();
    const flush = async () => {
      if (parts.length === 0) return;
      const body = requestBody(parts);
      const sending = parts.map(sentPart);
      parts = [];
      bytes = 0;
      await inFlight;
      inFlight = sendParts(sending, body, values.url!, values.key!, totals).then(() => {
        for (const part of sending) sent.add(part.file.absolutePath);
        saveState(state);
      });
      // A failure is thrown where the request is next awaited; until then it is not an unhandled rejection.
      inFlight.catch(() => {});
    };
    for (const file of files) {
      serverState[file.absolutePath] ??= {
        sentBytes: 0,
        sentLines: 0,
        contextLines: [],
        sentMtimeMs: 0,
      };
      const fileState = serverState[file.absolutePath]!;
      for (
        let part = await nextPart(file, fileState);
        part !== null;
        part = part.more ? await nextPart(file, fileState) : null
      ) {
        const size = part.prefix.length + part.complete.length;
        if (
          parts.some((p) => p.file.fileName === file.fileName) ||
          (parts.length > 0 && bytes + size > MAX_REQUEST_BYTES)
        )
          await flush();
        parts.push(part);
        bytes += size;
        // The file's next piece starts where this one ends, remembered once it is answered.
        if (part.more) {
          await flush();
          await inFlight;
        }
      }
    }
    await flush();
    await inFlight;
    const sentFiles = sent.size;
    return sentFiles;
  };

  const report = (sentFiles: number) => {
    if (values.json) process.stdout.write(`${JSON.stringify({ files: sentFiles, ...totals })}\n`);
    else {
      process.stdout.write(
        `Sent ${sentFiles} file(s): ${totals.calls} new call(s), ${totals.duplicates} duplicate(s), ${formatUsd(totals.costUsd)} added.\n`,
      );
      for (const error of totals.errors) process.stdout.write(`  ${error.file}:${error.line}: ${error.message}\n`);
    }
  };

  if (!values.watch) {
    report(await round());
    return 0;
  }
  process.stderr.write(
    `Watching ${positionals.length > 0 ? positionals.join(", ") : "the default trace folders"}; Ctrl-C to stop.\n`,
  );
  let stopped = false;
  process.once("SIGINT", () => (stopped = true));
  process.once("SIGTERM", () => (stopped = true));
  while (!stopped) {
    const sentFiles = await round();
    if (sentFiles > 0) {
      report(sentFiles);
      Object.assign(totals, { calls: 0, duplicates: 0, costUsd: 0, errors: [] });
    }
    await new Promise((resolve) => setTimeout(resolve, WATCH_INTERVAL_MS));
  }
  return 0;
}
