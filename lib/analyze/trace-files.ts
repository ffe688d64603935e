/**
 * Finds the trace files `trh analyze` reads: the default folders of Claude Code, Codex, OpenCode,
 * Gemini CLI, Copilot CLI, Amp and Qwen Code (or those their environment variables name), or the
 * files and folders given on the command line.
 */
import { closeSync, type Dirent, openSync, readdirSync, readSync, type Stats, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TraceFormat } from "../ingest/formats";
import { detectFormat } from "../ingest/parsers";

/** A file where an agent keeps its traces, before its first bytes have told its format. */
export interface FoundFile {
  absolutePath: string;
  /** Path relative to the folder it was found under: the parsers read run ids from it. */
  fileName: string;
  /** The Claude Code projects folder the file sits in (`-home-me-repo`), when it is under one. */
  projectFolder: string | null;
  size: number;
}

export interface TraceFile extends FoundFile {
  format: TraceFormat;
}

export interface UnreadableFile {
  file: string;
  message: string;
}

interface SearchRoot {
  dir: string;
  /** Files already listed under another root with the same relative path are skipped (Codex archives). */
  dedupeGroup: string | null;
  isClaudeProjects: boolean;
  /** Only files whose path below `dir` passes (an agent's folder holds settings and logs beside its sessions). */
  accept?: (fileName: string) => boolean;
}

function splitList(value: string | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
}

/** Path segments as written on any platform. */
const SEPARATOR = String.raw`[\\/]`;
const GEMINI_CHATS = new RegExp(`(^|${SEPARATOR})chats${SEPARATOR}`);
const OPENCODE_FILES = new RegExp(
  `^(opencode(-[^\\/]+)?\\.db|storage${SEPARATOR}(message|session|part)${SEPARATOR}.*\\.json)$`,
);
const QWEN_CHATS = new RegExp(`${SEPARATOR}chats${SEPARATOR}[^\\/]+\\.jsonl$`);
const COPILOT_FILES = new RegExp(
  `^(session-state${SEPARATOR}[^\\/]+${SEPARATOR}events\\.jsonl|history-session-state${SEPARATOR}[^\\/]+\\.jsonl|otel${SEPARATOR}[^\\/]+\\.jsonl)$`,
);
const AMP_THREADS = /^T-[^\\/]+\.json$/;

/**
 * The other agents' default folders, each as the agent itself resolves it (fixtures/agents/SOURCES.md
 * and the parsers' header comments): OpenCode `$XDG_DATA_HOME/opencode` (its database, or
 * `OPENCODE_DB`, and 1.1.x JSON storage), Gemini CLI `$GEMINI_CLI_HOME/.gemini/tmp` (else
 * `~/.gemini/tmp`), Qwen Code `QWEN_RUNTIME_DIR`, else `QWEN_HOME`, else `~/.qwen` (its
 * `projects/`), Copilot CLI `COPILOT_HOME` (else `~/.copilot`: session state and the OTel file
 * export's usual folder), Amp `AMP_DATA_DIR` (ccusage's override; Amp itself has none) else
 * `$XDG_DATA_HOME/amp` (its `threads/`).
 */
function agentRoots(
  env: Readonly<Record<string, string | undefined>>,
  home: string,
): { roots: SearchRoot[]; files: string[] } {
  const dataHome = env.XDG_DATA_HOME || path.join(home, ".local", "share");
  const opencodeData = path.join(dataHome, "opencode");
  const opencodeDb = env.OPENCODE_DB ? path.resolve(opencodeData, env.OPENCODE_DB) : null;
  const geminiHome = path.join(env.GEMINI_CLI_HOME || home, ".gemini");
  const qwenRuntime = env.QWEN_RUNTIME_DIR || env.QWEN_HOME || path.join(home, ".qwen");
  const copilotHome = env.COPILOT_HOME || path.join(home, ".copilot");
  const ampData = env.AMP_DATA_DIR || path.join(dataHome, "amp");
  const root = (dir: string, accept: (fileName: string) => boolean): SearchRoot => ({
    dir,
    dedupeGroup: null,
    isClaudeProjects: false,
    accept,
  });
  return {
    roots: [
      // With OPENCODE_DB set, the data folder's own databases are not OpenCode's current store; its JSON storage still is.
      root(
        opencodeData,
        (fileName) => OPENCODE_FILES.test(fileName) && (opencodeDb === null || !fileName.endsWith(".db")),
      ),
      root(path.join(geminiHome, "tmp"), (fileName) => GEMINI_CHATS.test(fileName)),
      root(path.join(qwenRuntime, "projects"), (fileName) => QWEN_CHATS.test(path.sep + fileName)),
      root(copilotHome, (fileName) => COPILOT_FILES.test(fileName)),
      root(path.join(ampData, "threads"), (fileName) => AMP_THREADS.test(fileName)),
    ],
    files: opencodeDb === null ? [] : [opencodeDb],
  };
}

/** Default roots (docs/FORMATS.md): Claude Code projects folders, Codex session folders, then the other agents' folders. */
export function defaultRoots(
  env: Readonly<Record<string, string | undefined>> = process.env,
  home: string = os.homedir(),
): SearchRoot[] {
  const claudeRoots = splitList(env.CLAUDE_CONFIG_DIR);
  const claudeDirs =
    claudeRoots.length > 0
      ? claudeRoots.map((root) => path.join(root, "projects"))
      : [path.join(home, ".claude", "projects"), path.join(home, ".config", "claude", "projects")];
  const codexRoots = splitList(env.CODEX_HOME);
  const codexHomes = codexRoots.length > 0 ? codexRoots : [path.join(home, ".codex")];
  return [
    ...claudeDirs.map((dir) => ({ dir, dedupeGroup: null, isClaudeProjects: true })),
    ...codexHomes.flatMap((codexHome) => [
      { dir: path.join(codexHome, "sessions"), dedupeGroup: `codex:${codexHome}`, isClaudeProjects: false },
      { dir: path.join(codexHome, "archived_sessions"), dedupeGroup: `codex:${codexHome}`, isClaudeProjects: false },
    ]),
    ...agentRoots(env, home).roots,
  ];
}

/** Files named by the environment rather than found in a folder (OPENCODE_DB). */
export function defaultFiles(
  env: Readonly<Record<string, string | undefined>> = process.env,
  home: string = os.homedir(),
): string[] {
  return agentRoots(env, home).files;
}

/** Which formats a file of each extension can be: Claude Code and Codex write JSONL only, some agents one JSON document or a database. */
function formatFitsName(format: TraceFormat, fileName: string): boolean {
  if (fileName.endsWith(".jsonl")) return true;
  if (fileName.endsWith(".db")) return format === "opencode";
  return format === "opencode" || format === "gemini-cli" || format === "amp";
}

/** The extensions of trace files: JSONL logs, single-document JSON (Amp, Gemini CLI before 0.39, OpenCode 1.1), OpenCode's SQLite database. */
const TRACE_EXTENSION = /\.(jsonl|json|db)$/;

/**
 * The trace files under `dir`, with their paths below it. Synchronous on purpose: thousands of
 * small stats cost far less without a thread-pool hop each. Paths are built by appending
 * readdir's names (which hold no separator) to the folder's: path.join and path.relative on
 * every file cost more than the walk itself.
 */
function* walkTraceFiles(dir: string, relativeDir = ""): Generator<{ absolutePath: string; fileName: string }> {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  // What path.join(dir, name) gives, for a name without separators.
  const normalized = path.normalize(dir);
  const prefix = normalized === "." ? "" : normalized.endsWith(path.sep) ? normalized : normalized + path.sep;
  for (const entry of entries) {
    const absolutePath = prefix + entry.name;
    const fileName = relativeDir === "" ? entry.name : relativeDir + path.sep + entry.name;
    if (entry.isDirectory()) yield* walkTraceFiles(absolutePath, fileName);
    else if (entry.isFile() && TRACE_EXTENSION.test(entry.name)) yield { absolutePath, fileName };
  }
}

/** Enough for the first lines of any format; a longer first line is matched on its prefix. */
const DETECT_BYTES = 8 * 1024;

/** The format the first bytes of a file tell (at least its first DETECT_BYTES, or all of it); null for a foreign file. */
export function formatOfHead(head: Buffer, absolutePath: string): TraceFormat | null {
  const format = detectFormat(head.subarray(0, DETECT_BYTES).toString("utf8").split("\n").slice(0, 50));
  // native and OTLP files are sent through the ingest API; every other format is read from disk.
  return format === null || format === "native" || format === "otlp-json" || !formatFitsName(format, absolutePath)
    ? null
    : format;
}

/** Reads the start of a file to tell its format; null for an empty or foreign file. */
export function detectFileFormat(absolutePath: string): TraceFormat | null {
  const fd = openSync(absolutePath, "r");
  try {
    const buffer = Buffer.alloc(DETECT_BYTES);
    return formatOfHead(buffer.subarray(0, readSync(fd, buffer, 0, DETECT_BYTES, 0)), absolutePath);
  } finally {
    closeSync(fd);
  }
}

/**
 * Why a file found is not read, when its format is none the parsers know: worth a warning for a
 * JSONL log; a JSON file or database that is no trace is an agent's settings or state beside its
 * logs, passed over.
 */
export function foreignFileProblem(absolutePath: string): UnreadableFile | null {
  return absolutePath.endsWith(".jsonl") ? { file: absolutePath, message: "not a trace of a known agent" } : null;
}

const problemOf = (absolutePath: string, error: unknown): UnreadableFile => ({
  file: absolutePath,
  message: error instanceof Error ? error.message : String(error),
});

function statOrNull(absolutePath: string): Stats | null {
  try {
    return statSync(absolutePath);
  } catch {
    return null;
  }
}

/**
 * Lists the files that may hold traces under the given paths (files or folders), or under the
 * default roots when none are given, without opening them: `trh analyze` tells each file's format
 * from the first bytes it reads of it (summarize-file.ts). A path that does not exist is an
 * error; default roots may be missing.
 */
export async function listTraceFiles(
  paths: string[],
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<{ files: FoundFile[]; unreadable: UnreadableFile[]; missing: string[] }> {
  const files: FoundFile[] = [];
  const unreadable: UnreadableFile[] = [];
  const missing: string[] = [];
  const seenPaths = new Set<string>();
  const seenRelative = new Set<string>();

  const roots: SearchRoot[] = paths.length > 0 ? [] : defaultRoots(env);
  const singleFiles: string[] = paths.length > 0 ? [] : defaultFiles(env).filter((file) => statOrNull(file) !== null);
  for (const given of paths) {
    const absolute = path.resolve(given);
    const info = statOrNull(absolute);
    if (info === null) missing.push(given);
    else if (info.isDirectory())
      roots.push({ dir: absolute, dedupeGroup: null, isClaudeProjects: path.basename(absolute) === "projects" });
    else singleFiles.push(absolute);
  }

  const add = (absolutePath: string, fileName: string, projectFolder: string | null): void => {
    if (seenPaths.has(absolutePath)) return;
    seenPaths.add(absolutePath);
    try {
      const info = statSync(absolutePath);
      if (info.size > 0) files.push({ absolutePath, fileName, projectFolder, size: info.size });
    } catch (error) {
      unreadable.push(problemOf(absolutePath, error));
    }
  };

  for (const root of roots) {
    for (const { absolutePath, fileName } of walkTraceFiles(root.dir)) {
      if (root.accept !== undefined && !root.accept(fileName)) continue;
      if (root.dedupeGroup !== null) {
        const key = `${root.dedupeGroup}:${fileName}`;
        if (seenRelative.has(key)) continue;
        seenRelative.add(key);
      }
      const projectFolder = root.isClaudeProjects ? (fileName.split(path.sep)[0] ?? null) : null;
      add(absolutePath, fileName, projectFolder === fileName ? null : projectFolder);
    }
  }
  // A single file keeps its last three path segments: enough for `<session>/subagents/agent-<id>.jsonl`.
  for (const absolutePath of singleFiles)
    add(absolutePath, absolutePath.split(path.sep).slice(-3).join(path.sep), null);
  return { files, unreadable, missing };
}

/** The trace files under the given paths, as listTraceFiles lists them, each with its format. */
export async function findTraceFiles(
  paths: string[],
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<{ files: TraceFile[]; unreadable: UnreadableFile[]; missing: string[] }> {
  const listed = await listTraceFiles(paths, env);
  const files: TraceFile[] = [];
  const unreadable = [...listed.unreadable];
  for (const file of listed.files) {
    try {
      const format = detectFileFormat(file.absolutePath);
      if (format !== null) files.push({ ...file, format });
      else {
        const problem = foreignFileProblem(file.absolutePath);
        if (problem !== null) unreadable.push(problem);
      }
    } catch (error) {
      unreadable.push(problemOf(file.absolutePath, error));
    }
  }
  return { files, unreadable, missing: listed.missing };
}
