/**
 * What the parsers of the other agents' logs (OpenCode, Gemini CLI, Copilot CLI, Amp, Qwen Code)
 * share: a call with the fields those logs never carry set to their neutral value, reading a
 * whole-file format (one JSON document, a SQLite database) into memory with a bound, and the
 * summaries of a tool call's input.
 */
import { type CallEvent, type NormalizedCall, SUMMARY_MAX_CHARS, type ToolUse, truncate } from "../normalized-call";
import { type ByteSource, isRecord, MAX_JSON_DEPTH, nestedDeeperThan, stringOrNull } from "./lines";

/** Model when a record names none and nothing before it did: reported as unpriced, never guessed. */
export const UNKNOWN_MODEL = "unknown";

/**
 * A whole-file format (an Amp thread, a Gemini CLI legacy session, an OpenCode message file or
 * database) is parsed as one document. Real ones are kilobytes to a few MB; past this a file is
 * refused with a line error rather than held in memory.
 */
export const MAX_WHOLE_FILE_BYTES = 512 * 1024 * 1024;

/** The whole stream as one buffer, or null when it is larger than MAX_WHOLE_FILE_BYTES. */
export async function readWhole(source: ByteSource): Promise<Buffer | null> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const piece of source) {
    const chunk =
      typeof piece === "string" ? Buffer.from(piece) : Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
    size += chunk.byteLength;
    if (size > MAX_WHOLE_FILE_BYTES) return null;
    // Copied: the source may reuse its buffer (readFileChunks does).
    parts.push(Buffer.from(chunk));
  }
  return Buffer.concat(parts);
}

export const TOO_LARGE_MESSAGE = `file is larger than ${MAX_WHOLE_FILE_BYTES} bytes, the limit for a format read as one document`;

export type AgentCallFields = Pick<
  NormalizedCall,
  "source" | "callKey" | "sessionId" | "timestamp" | "model" | "uncachedInput" | "cacheRead" | "output"
> &
  Partial<NormalizedCall>;

/** A call of an agent log: no cache-write split by lifetime (5-minute unless said), no speed, no API-error flag. */
export function agentCall(line: number, fields: AgentCallFields): CallEvent {
  return {
    kind: "call",
    line,
    call: {
      messageId: null,
      agentId: null,
      isSidechain: false,
      cacheWrite5m: 0,
      cacheWrite1h: 0,
      reasoning: 0,
      speed: "standard",
      isApiError: false,
      cwd: null,
      gitBranch: null,
      version: null,
      requestId: null,
      toolUses: [],
      stopReason: null,
      ...fields,
    },
  };
}

/** A tool call from its id, name and (parsed) arguments; the arguments themselves are not kept. */
export function toolUse(id: string, name: string, args: unknown): ToolUse {
  const deep = nestedDeeperThan(args, MAX_JSON_DEPTH);
  const input = deep ? "" : JSON.stringify(args ?? {});
  const record = !deep && isRecord(args) ? args : {};
  const rawCommand = record.command ?? record.cmd;
  const command =
    typeof rawCommand === "string"
      ? rawCommand
      : Array.isArray(rawCommand)
        ? rawCommand.filter((part) => typeof part === "string").join(" ")
        : null;
  const filePath =
    stringOrNull(record.file_path) ??
    stringOrNull(record.filePath) ??
    stringOrNull(record.absolute_path) ??
    stringOrNull(record.path);
  return {
    id,
    name,
    inputBytes: Buffer.byteLength(input),
    command: command === null ? null : truncate(command, SUMMARY_MAX_CHARS),
    filePath: filePath === null ? null : truncate(filePath, SUMMARY_MAX_CHARS),
  };
}

/** A tool's output as text, for its size and hash: strings as they are, anything else as JSON (bounded depth). */
export function outputText(value: unknown): string | null {
  if (typeof value === "string") return value;
  if (value === undefined || value === null) return "";
  if (nestedDeeperThan(value, MAX_JSON_DEPTH)) return null;
  return JSON.stringify(value);
}

/** Milliseconds since the epoch (OpenCode, Amp) as a date; null when absent or out of range. */
export function dateFromMillis(value: unknown): Date | null {
  if (typeof value !== "number" || !Number.isFinite(value)) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}
