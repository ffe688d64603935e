/**
 * Finds the trace files `trh analyze` reads: the default Claude Code and Codex folders (or those
 * named by CLAUDE_CONFIG_DIR / CODEX_HOME), or the files and folders given on the command line.
 */
import { closeSync, openSync, readSync, readdirSync, statSync, type Dirent, type Stats } from "node:fs";
import os from "node:os";
import path from "node:path";
import { detectFormat, type TraceFormat } from "../ingest/parsers";

export interface TraceFile {
  absolutePath: string;
  /** Path relative to the folder it was found under: the parsers read run ids from it. */
  fileName: string;
  /** The Claude Code projects folder the file sits in (`-home-me-repo`), when it is under one. */
  projectFolder: string | null;
  size: number;
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
}

function splitList(value: string | undefined): string[] {
  return (value ?? "").split(",").map((item) => item.trim()).filter((item) => item !== "");
}

/** Default roots (FORMATS.md): Claude Code projects folders and Codex session folders. */
export function defaultRoots(env: Readonly<Record<string, string | undefined>> = process.env, home: string = os.homedir()): SearchRoot[] {
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
  ];
}

/** Synchronous on purpose: thousands of small stats cost far less without a thread-pool hop each. */
function* walkJsonl(dir: string): Generator<string> {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* walkJsonl(full);
    else if (entry.isFile() && entry.name.endsWith(".jsonl")) yield full;
  }
}

/** Enough for the first lines of any format; a longer first line is matched on its prefix. */
const DETECT_BYTES = 8 * 1024;

/** Reads the start of a file to tell Claude Code from Codex; null for an empty or foreign file. */
export function detectFileFormat(absolutePath: string): TraceFormat | null {
  const fd = openSync(absolutePath, "r");
  try {
    const buffer = Buffer.alloc(DETECT_BYTES);
    const bytesRead = readSync(fd, buffer, 0, DETECT_BYTES, 0);
    const format = detectFormat(buffer.subarray(0, bytesRead).toString("utf8").split("\n").slice(0, 50));
    // native and OTLP files are sent through the ingest API; only these two are read from disk.
    return format === "claude-code" || format === "codex" ? format : null;
  } finally {
    closeSync(fd);
  }
}

function statOrNull(absolutePath: string): Stats | null {
  try {
    return statSync(absolutePath);
  } catch {
    return null;
  }
}

/**
 * Lists the trace files under the given paths (files or folders), or under the default roots
 * when none are given. A path that does not exist is an error; default roots may be missing.
 */
export async function findTraceFiles(
  paths: string[],
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<{ files: TraceFile[]; unreadable: UnreadableFile[]; missing: string[] }> {
  const files: TraceFile[] = [];
  const unreadable: UnreadableFile[] = [];
  const missing: string[] = [];
  const seenPaths = new Set<string>();
  const seenRelative = new Set<string>();

  const roots: SearchRoot[] = paths.length > 0 ? [] : defaultRoots(env);
  const singleFiles: string[] = [];
  for (const given of paths) {
    const absolute = path.resolve(given);
    const info = statOrNull(absolute);
    if (info === null) missing.push(given);
    else if (info.isDirectory()) roots.push({ dir: absolute, dedupeGroup: null, isClaudeProjects: path.basename(absolute) === "projects" });
    else singleFiles.push(absolute);
  }

  const add = (absolutePath: string, fileName: string, projectFolder: string | null): void => {
    if (seenPaths.has(absolutePath)) return;
    seenPaths.add(absolutePath);
    try {
      const info = statSync(absolutePath);
      if (info.size === 0) return;
      const format = detectFileFormat(absolutePath);
      if (format === null) unreadable.push({ file: absolutePath, message: "not a Claude Code or Codex trace" });
      else files.push({ absolutePath, fileName, projectFolder, size: info.size, format });
    } catch (error) {
      unreadable.push({ file: absolutePath, message: error instanceof Error ? error.message : String(error) });
    }
  };

  for (const root of roots) {
    for (const absolutePath of walkJsonl(root.dir)) {
      const fileName = path.relative(root.dir, absolutePath);
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
  for (const absolutePath of singleFiles) add(absolutePath, absolutePath.split(path.sep).slice(-3).join(path.sep), null);
  return { files, unreadable, missing };
}
