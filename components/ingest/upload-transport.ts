/**
 * The browser side of `POST /api/v1/ingest`: which files to send, and one file's upload with its
 * two progress figures (bytes sent, from XHR upload events; bytes processed, from the server's
 * NDJSON progress lines). XMLHttpRequest, not fetch: fetch reports no upload progress.
 */

/** A file and its path relative to what the user picked or dropped (it carries run ids). */
export interface SelectedFile {
  path: string;
  file: File;
}

/** What the server answered for one file. */
export interface IngestFileResult {
  runs: number;
  /** The runs the file added to: subagent files fold into their parent's run, so runs are counted by id. */
  runIds: string[];
  calls: number;
  duplicates: number;
  costUsd: number;
  errorCount: number;
  errors: { line: number; message: string }[];
  unpricedModels: string[];
}

export interface UploadCallbacks {
  onUploaded(loadedBytes: number, totalBytes: number): void;
  onProcessed(processedBytes: number, totalBytes: number | null): void;
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

/**
 * Uploads one file with `format=auto` (the server detects the format from the first lines).
 * Gzip files go as they are with Content-Encoding: gzip, named without the .gz so the server
 * reads run ids from the name of the decoded file. Rejects with the server's message on failure.
 */
export function uploadTraceFile({ path, file }: SelectedFile, callbacks: UploadCallbacks): Promise<IngestFileResult> {
  const gzip = /\.gz$/i.test(path);
  const query = new URLSearchParams({ format: "auto", file: gzip ? path.slice(0, -".gz".length) : path });
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `/api/v1/ingest?${query}`);
    xhr.setRequestHeader("Accept", "application/x-ndjson");
    if (gzip) xhr.setRequestHeader("Content-Encoding", "gzip");

    let consumed = 0;
    let result: IngestFileResult | null = null;
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
      if (message.type === "progress")
        callbacks.onProcessed(Number(message.processedBytes) || 0, Number(message.totalBytes) || null);
      else if (message.type === "result") result = message as unknown as IngestFileResult;
      else if (message.type === "error") failure = errorMessage(message) ?? "the server could not process the file";
    };

    xhr.upload.onprogress = (event) =>
      callbacks.onUploaded(event.loaded, event.lengthComputable ? event.total : file.size);
    xhr.upload.onload = () => callbacks.onUploaded(file.size, file.size);
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
    xhr.send(file);
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
