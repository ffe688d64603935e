/**
 * `trh push PATH... --url URL --key KEY [--watch]`: sends new trace lines to a running server
 * through `POST /api/v1/ingest`. It remembers, per file, how many bytes it has sent (always up to
 * a line end), so each run sends only what is new; with --watch it keeps sending as files grow.
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
import { agentFormats, type TraceFormat } from "@/lib/ingest/parsers";
import { formatUsd } from "@/lib/format";
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

const sentWhole = (format: TraceFormat) => (agentFormats as readonly TraceFormat[]).includes(format);

async function postFile(file: TraceFile, body: Buffer, url: string, key: string) {
  const response = await fetch(`${url.replace(/\/$/, "")}/api/v1/ingest?format=${file.format}&file=${encodeURIComponent(file.fileName)}`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-encoding": "gzip", "content-type": "application/x-ndjson" },
    body: gzipSync(body),
  });
  const answer = (await response.json().catch(() => null)) as { calls?: number; duplicates?: number; costUsd?: number; errors?: { line: number; message: string }[]; error?: { message: string } } | null;
  if (!response.ok) throw new CommandError(`${file.absolutePath}: the server answered ${response.status}: ${answer?.error?.message ?? response.statusText}`);
  return answer;
}

function addToTotals(totals: Totals, file: TraceFile, answer: Awaited<ReturnType<typeof postFile>>, lineOffset: number): void {
  totals.calls += answer?.calls ?? 0;
  totals.duplicates += answer?.duplicates ?? 0;
  totals.costUsd += answer?.costUsd ?? 0;
  for (const error of answer?.errors ?? []) totals.errors.push({ file: file.absolutePath, line: lineOffset + error.line, message: error.message });
}

/** Sends a file of another agent whole when it changed since it was last sent. */
async function pushWholeFile(file: TraceFile, state: FileState, url: string, key: string, totals: Totals): Promise<boolean> {
  const { size, mtimeMs } = statSync(file.absolutePath);
  if (size === state.sentBytes && mtimeMs === state.sentMtimeMs) return false;
  addToTotals(totals, file, await postFile(file, readFileSync(file.absolutePath), url, key), 0);
  Object.assign(state, { sentBytes: size, sentMtimeMs: mtimeMs });
  return true;
}

/** Sends what is new in one file; returns whether anything was sent. */
async function pushFile(file: TraceFile, state: FileState, url: string, key: string, totals: Totals): Promise<boolean> {
  if (sentWhole(file.format)) return pushWholeFile(file, state, url, key, totals);
  const size = statSync(file.absolutePath).size;
  if (size < state.sentBytes) Object.assign(state, { sentBytes: 0, sentLines: 0 }); // rewritten or truncated: start over, the server de-duplicates
  let sent = false;
  while (size > state.sentBytes) {
    const end = Math.min(size, state.sentBytes + MAX_REQUEST_BYTES);
    const bytes = await readRange(file.absolutePath, state.sentBytes, end);
    const lastNewline = bytes.lastIndexOf(0x0a);
    // A line still being written waits for the next round; a single line longer than a request goes as it is.
    const complete = lastNewline === -1 ? (bytes.length >= MAX_REQUEST_BYTES ? bytes : null) : bytes.subarray(0, lastNewline + 1);
    if (!complete) break;
    const prefix = file.format === "codex" && state.contextLines.length > 0 ? Buffer.from(state.contextLines.join("\n") + "\n") : Buffer.alloc(0);
    const answer = await postFile(file, Buffer.concat([prefix, complete]), url, key);
    const contextCount = prefix.length > 0 ? state.contextLines.length : 0;
    addToTotals(totals, file, answer, state.sentLines - contextCount);
    if (file.format === "codex") state.contextLines = codexContext(state.contextLines, complete);
    state.sentBytes += complete.length;
    state.sentLines += countLines(complete);
    sent = true;
  }
  return sent;
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
      options: { url: { type: "string" }, key: { type: "string" }, watch: { type: "boolean", default: false }, json: { type: "boolean", default: false } },
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
  const serverState = (state[values.url] ??= {});
  const totals: Totals = { calls: 0, duplicates: 0, costUsd: 0, errors: [] };
  const round = async () => {
    const { files, missing } = await findTraceFiles(positionals);
    if (missing.length > 0) throw new CommandError(`no such file or folder: ${missing.join(", ")}`);
    let sentFiles = 0;
    for (const file of files) {
      const fileState = (serverState[file.absolutePath] ??= { sentBytes: 0, sentLines: 0, contextLines: [], sentMtimeMs: 0 });
      if (await pushFile(file, fileState, values.url!, values.key!, totals)) {
        sentFiles += 1;
        saveState(state);
      }
    }
    return sentFiles;
  };

  const report = (sentFiles: number) => {
    if (values.json) process.stdout.write(JSON.stringify({ files: sentFiles, ...totals }) + "\n");
    else {
      process.stdout.write(`Sent ${sentFiles} file(s): ${totals.calls} new call(s), ${totals.duplicates} duplicate(s), ${formatUsd(totals.costUsd)} added.\n`);
      for (const error of totals.errors) process.stdout.write(`  ${error.file}:${error.line}: ${error.message}\n`);
    }
  };

  if (!values.watch) {
    report(await round());
    return 0;
  }
  process.stderr.write(`Watching ${positionals.length > 0 ? positionals.join(", ") : "the default trace folders"}; Ctrl-C to stop.\n`);
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
