/**
 * The browser side of `POST /api/v1/ingest/files`: which files to send, in which requests, and
 * one request's upload with its two progress figures per file (bytes sent, from XHR upload
 * events; bytes read, from the server's NDJSON progress lines). XMLHttpRequest, not fetch: fetch
 * reports no upload progress.
 */

/** A file and its path relative to what the user picked or dropped (it carries run ids). */
export interface SelectedFile {
  path: string;
  file: File;
}

/** JSONL logs, one-document JSON (Amp threads, older Gemini CLI and OpenCode files), OpenCode's SQLite database, gzipped or not. */
const TRACE_FILE = /\.(jsonl|json|db)(\.gz)?$|\.gz$/i;

export function isTraceFile(path: string): boolean {
  return TRACE_FILE.test(path);
}

/** Files from the files picker or the folder picker (webkitdirectory gives relative paths). */
export function filesFromInput(files: FileList | null): SelectedFile[] {
  return Array.from(files ?? [], (file) => ({ path: file.webkitRelativePath || file.name, file }));
}

/** Files and whole folders dropped on the page, folders read recursively. */
export async function filesFromDrop(dataTransfer: DataTransfer): Promise<SelectedFile[]> {
  // Entries must be taken synchronously, before the drop event's data store is closed.
  const entries = Array.from(dataTransfer.items, (item) => item.webkitGetAsEntry()).filter(
    (entry): entry is FileSystemEntry => entry !== null,
  );
  if (entries.length === 0) return filesFromInput(dataTransfer.files);
  const nested = await Promise.all(entries.map(readEntry));
  return nested.flat();
}

async function readEntry(entry: FileSystemEntry): Promise<SelectedFile[]> {
  if (isFileEntry(entry)) {
    const file = await new Promise<File>((resolve, reject) => entry.file(resolve, reject));
    return [{ path: entry.fullPath.replace(/^\/+/, ""), file }];
  }
  if (!isDirectoryEntry(entry)) return [];
  const reader = entry.createReader();
  const children: FileSystemEntry[] = [];
  // readEntries answers in pages (100 entries in Chromium) until it returns an empty one.
  for (;;) {
    const page = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (page.length === 0) break;
    children.push(...page);
  }
  const nested = await Promise.all(children.map(readEntry));
  return nested.flat();
}

function isFileEntry(entry: FileSystemEntry): entry is FileSystemFileEntry {
  return entry.isFile;
}

function isDirectoryEntry(entry: FileSystemEntry): entry is FileSystemDirectoryEntry {
  return entry.isDirectory;
}

/** Files sent per request: up to this many bytes (a larger file goes alone), as `trh push` sends them. */
export const MAX_REQUEST_BYTES = 32 * 1024 * 1024;
const MAX_REQUEST_FILES = 1000;

/** Splits the files, in order, into the requests that carry them. */
export function requestGroups<T extends { file: { size: number } }>(entries: readonly T[]): T[][] {
  const groups: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const entry of entries) {
    if (current.length > 0 && (bytes + entry.file.size > MAX_REQUEST_BYTES || current.length >= MAX_REQUEST_FILES)) {
      groups.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += entry.file.size;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

/** What the server answered for one request: the files it carried, stored as one batch. */
export interface IngestFilesResult {
  files: number;
  runs: number;
  /** The runs the files added to: subagent files fold into their parent's run, so runs are counted by id. */
  runIds: string[];
  calls: number;
  duplicates: number;
  costUsd: number;
  errorCount: number;
  /** Line errors name their file; a file refused as a whole has line 0. */
  errors: { file: string; line: number; message: string }[];
  unpricedModels: string[];
}

export interface UploadCallbacks {
  /** Bytes of file `index` sent so far. */
  onUploaded(index: number, loadedBytes: number): void;
  /** Bytes of file `index` the server has read so far. */
  onProcessed(index: number, processedBytes: number): void;
  /** The server has read file `index` (its calls are stored with the request's batch); `refused` says why it could not. */
  onFileRead(index: number, refused: string | null): void;
}

/**
 * Uploads files with `format=auto` (the server detects each format from its first lines) in one
 * request to `POST /api/v1/ingest/files`, one batch on the server, each file framed by its header
 * line; the body is a Blob of the files themselves, never read into memory here. Gzip files go
 * as they are (`"gzip": true` in their header), named without the .gz so the server reads run ids
 * from the name of the decoded file. The two progress figures come per file from the body's
 * offsets: bytes sent (XHR upload events) and bytes read by the server (its NDJSON progress
 * lines). Rejects with the server's message when the request fails as a whole.
 */
export function uploadTraceFiles(
  entries: readonly SelectedFile[],
  callbacks: UploadCallbacks,
): Promise<IngestFilesResult> {
  const encoder = new TextEncoder();
  const parts: BlobPart[] = [];
  /** Where each file's bytes start in the body. */
  const starts: number[] = [];
  let offset = 0;
  for (const { path, file } of entries) {
    const gzip = /\.gz$/i.test(path);
    const header = encoder.encode(
      `${JSON.stringify({ file: gzip ? path.slice(0, -".gz".length) : path, format: "auto", bytes: file.size, gzip })}\n`,
    );
    parts.push(header, file);
    offset += header.byteLength;
    starts.push(offset);
    offset += file.size;
  }
  const body = new Blob(parts);
  /** Spreads a count of body bytes over the files it covers. */
  const spread = (bodyBytes: number, report: (index: number, bytes: number) => void) => {
    for (const [index, { file }] of entries.entries())
      report(index, Math.max(0, Math.min(file.size, bodyBytes - starts[index]!)));
  };

  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/v1/ingest/files");
    xhr.setRequestHeader("Accept", "application/x-ndjson");

    let consumed = 0;
    let result: IngestFilesResult | null = null;
    let failure: string | null = null;
    /** Reads the NDJSON lines that arrived since the last call; the last one only when complete. */
    const readLines = (final: boolean) => {
      const text = xhr.responseText;
      for (;;) {
        const end = text.indexOf("\n", consumed);
        if (end === -1 && !(final && consumed < text.length)) break;
        const line = text.slice(consumed, end === -1 ? text.length : end).trim();
        consumed = end === -1 ? text.length : end + 1;
        if (line !== "") readMessage(line);
      }
    };
    const readMessage = (line: string) => {
      let message: unknown;
      try {
        message = JSON.parse(line);
      } catch {
        failure = "the server sent an unreadable answer";
        return;
      }
      if (!isObject(message)) return;
      if (message.type === "progress") spread(Number(message.processedBytes) || 0, callbacks.onProcessed);
      else if (message.type === "file" && typeof message.index === "number")
        callbacks.onFileRead(message.index, typeof message.refused === "string" ? message.refused : null);
      else if (message.type === "result") result = message as unknown as IngestFilesResult;
      else if (message.type === "error") failure = errorMessage(message) ?? "the server could not process the files";
    };

    xhr.upload.onprogress = (event) => spread(event.loaded, callbacks.onUploaded);
    xhr.upload.onload = () => spread(body.size, callbacks.onUploaded);
    xhr.onprogress = () => {
      if (xhr.status < 400) readLines(false);
    };
    xhr.onerror = () => reject(new Error("the upload failed: network error"));
    xhr.onabort = () => reject(new Error("the upload was aborted"));
    xhr.onload = () => {
      if (xhr.status >= 400) {
        reject(
          new Error(errorMessage(parseJson(xhr.responseText)) ?? `the server answered ${xhr.status} ${xhr.statusText}`),
        );
        return;
      }
      readLines(true);
      if (failure !== null) reject(new Error(failure));
      else if (result === null) reject(new Error("the server closed the answer before the summary"));
      else resolve(result);
    };
    xhr.send(body);
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** The message of a `{"error": {"code", "message"}}` body. */
function errorMessage(body: unknown): string | null {
  if (!isObject(body) || !isObject(body.error)) return null;
  return typeof body.error.message === "string" ? body.error.message : null;
}
