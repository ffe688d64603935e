"use client";

import { type DragEvent, useEffect, useRef, useState } from "react";
import { formatInteger } from "@/lib/format";
import { type IngestErrorItem, IngestErrorList, IngestTotalsList } from "./ingest-summary";
import {
  filesFromDrop,
  filesFromInput,
  type IngestFilesResult,
  isTraceFile,
  requestGroups,
  type SelectedFile,
  uploadTraceFiles,
} from "./upload-transport";

interface FileRow {
  path: string;
  status: "queued" | "uploading" | "processing" | "done" | "failed";
  uploadedBytes: number;
  processedBytes: number;
  size: number;
  /** Why the file, or its whole request, failed. */
  failure: string | null;
}

/**
 * Drag and drop (or pick) trace files and folders; they go many per request (one batch on the
 * server each), with a row per file, then summed up. Files that failed can be sent again: the
 * server counts each call once, so nothing already stored is added twice.
 */
export function TraceUploader() {
  const [entries, setEntries] = useState<SelectedFile[]>([]);
  const [rows, setRows] = useState<FileRow[]>([]);
  const [results, setResults] = useState<IngestFilesResult[]>([]);
  const [skipped, setSkipped] = useState(0);
  const [sending, setSending] = useState(false);
  const [dragging, setDragging] = useState(false);
  const busy = sending;
  const filesInput = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);
  // Files chosen before React attached its handlers would be ignored: scripts (and the browser
  // tests) wait for data-ready before choosing files.
  const [ready, setReady] = useState(false);
  useEffect(() => setReady(true), []);

  const update = (index: number, change: (row: FileRow) => Partial<FileRow>) =>
    setRows((current) => current.map((row, i) => (i === index ? { ...row, ...change(row) } : row)));

  /** Sends the files at `indices` of `all`, one request after another. */
  async function send(all: SelectedFile[], indices: number[]) {
    setSending(true);
    for (const group of requestGroups(indices.map((index) => ({ index, file: all[index]!.file })))) {
      const at = group.map((item) => item.index);
      for (const index of at)
        update(index, () => ({ status: "uploading", uploadedBytes: 0, processedBytes: 0, failure: null }));
      try {
        const result = await uploadTraceFiles(
          at.map((index) => all[index]!),
          {
            onUploaded: (i, uploadedBytes) =>
              update(at[i]!, (row) => ({
                uploadedBytes,
                ...(uploadedBytes >= row.size && row.status === "uploading" ? { status: "processing" } : {}),
              })),
            onProcessed: (i, processedBytes) => update(at[i]!, () => ({ processedBytes })),
            onFileRead: (i, refused) =>
              update(at[i]!, (row) =>
                refused === null
                  ? { processedBytes: row.size }
                  : { status: "failed", failure: refused, processedBytes: row.size },
              ),
          },
        );
        setResults((current) => [...current, result]);
        for (const index of at)
          update(index, (row) =>
            row.status === "failed" ? {} : { status: "done", uploadedBytes: row.size, processedBytes: row.size },
          );
      } catch (error) {
        const failure = error instanceof Error ? error.message : String(error);
        for (const index of at) update(index, () => ({ status: "failed", failure }));
      }
    }
    setSending(false);
  }

  async function start(selected: SelectedFile[]) {
    if (busy) return;
    const traces = selected.filter((entry) => isTraceFile(entry.path)).sort((a, b) => a.path.localeCompare(b.path));
    setSkipped(selected.length - traces.length);
    setEntries(traces);
    setResults([]);
    setRows(
      traces.map(({ path, file }) => ({
        path,
        status: "queued",
        uploadedBytes: 0,
        processedBytes: 0,
        size: file.size,
        failure: null,
      })),
    );
    await send(
      traces,
      traces.map((_, index) => index),
    );
  }

  const failed = rows.flatMap((row, index) => (row.status === "failed" ? [index] : []));

  async function onDrop(event: DragEvent<HTMLDivElement>) {
    event.preventDefault();
    setDragging(false);
    if (!busy) await start(await filesFromDrop(event.dataTransfer));
  }

  return (
    <>
      <section className="panel">
        <section
          aria-label="Drop trace files here"
          className={dragging ? "dropzone active" : "dropzone"}
          data-testid="upload-dropzone"
          data-ready={ready}
          aria-disabled={busy}
          onDragOver={(event) => {
            event.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={onDrop}
        >
          <p>
            <strong>Drop trace files or whole folders here</strong>
          </p>
          <p className="muted">
            Claude Code transcripts, Codex rollouts, OTLP JSON exports, native JSONL, and the logs of OpenCode (its{" "}
            <code>opencode.db</code> too), Gemini CLI, Copilot CLI, Amp and Qwen Code: <code>.jsonl</code>,{" "}
            <code>.json</code>, <code>.db</code>, <code>.gz</code>. The format is detected from each file; uploading the
            same file again adds nothing.
          </p>
          <div className="dropzone-actions">
            <button type="button" className="secondary" disabled={busy} onClick={() => filesInput.current?.click()}>
              Choose files
            </button>
            <button type="button" className="secondary" disabled={busy} onClick={() => folderInput.current?.click()}>
              Choose a folder
            </button>
          </div>
          <input
            ref={filesInput}
            type="file"
            multiple
            accept=".jsonl,.json,.db,.gz"
            hidden
            data-testid="upload-files-input"
            onChange={(event) => {
              void start(filesFromInput(event.currentTarget.files));
              event.currentTarget.value = "";
            }}
          />
          <input
            ref={folderInput}
            type="file"
            hidden
            data-testid="upload-folder-input"
            // React does not know these attributes; they make the picker choose a folder.
            {...{ webkitdirectory: "", directory: "" }}
            onChange={(event) => {
              void start(filesFromInput(event.currentTarget.files));
              event.currentTarget.value = "";
            }}
          />
        </section>
      </section>

      {rows.length > 0 ? <UploadRows rows={rows} results={results} skipped={skipped} /> : null}
      {rows.length > 0 && !busy ? (
        <UploadSummary
          rows={rows}
          results={results}
          onRetry={failed.length > 0 ? () => void send(entries, failed) : null}
        />
      ) : null}
    </>
  );
}

/** Line errors of each file, from the answers of the requests that carried them. */
function lineErrorsByFile(results: IngestFilesResult[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const result of results)
    for (const error of result.errors) if (error.line > 0) counts.set(error.file, (counts.get(error.file) ?? 0) + 1);
  return counts;
}

function UploadRows({ rows, results, skipped }: { rows: FileRow[]; results: IngestFilesResult[]; skipped: number }) {
  const lineErrors = lineErrorsByFile(results);
  return (
    <section className="panel">
      <h2>Files</h2>
      {skipped > 0 ? (
        <p className="muted">{formatInteger(skipped)} files skipped: not .jsonl, .json, .db or .gz.</p>
      ) : null}
      <table className="upload-rows">
        <thead>
          <tr>
            <th>File</th>
            <th>Uploaded</th>
            <th>Processed</th>
            <th>Status</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.path} data-testid="upload-file-row" data-file={row.path} data-status={row.status}>
              <td className="upload-path">{row.path}</td>
              <td>
                <progress data-testid="upload-progress-upload" value={row.uploadedBytes} max={Math.max(1, row.size)} />
              </td>
              <td>
                <progress
                  data-testid="upload-progress-processing"
                  value={row.processedBytes}
                  max={Math.max(1, row.size)}
                />
              </td>
              <td>{statusText(row, lineErrors.get(row.path.replace(/\.gz$/i, "")) ?? 0)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function statusText(row: FileRow, lineErrors: number): string {
  if (row.status === "failed") return "failed";
  if (row.status !== "done") return row.status;
  return lineErrors > 0 ? `stored, ${count(lineErrors, "line error")}` : "stored";
}

function count(value: number, noun: string): string {
  return `${formatInteger(value)} ${value === 1 ? noun : `${noun}s`}`;
}

function UploadSummary({
  rows,
  results,
  onRetry,
}: {
  rows: FileRow[];
  results: IngestFilesResult[];
  onRetry: (() => void) | null;
}) {
  const sum = (pick: (result: IngestFilesResult) => number) =>
    results.reduce((total, result) => total + pick(result), 0);
  // A file refused by the server is in its request's errors (line 0) and failed here: counted once.
  const failures = rows.filter((row) => row.status === "failed");
  const errors: IngestErrorItem[] = [
    ...failures.map((row) => ({ file: row.path, line: null, message: row.failure ?? "failed" })),
    ...results.flatMap((result) =>
      result.errors
        .filter((error) => error.line > 0)
        .map((error) => ({ file: error.file, line: error.line, message: error.message })),
    ),
  ];
  const errorCount =
    failures.length + sum((result) => result.errorCount - result.errors.filter((error) => error.line === 0).length);
  const unpriced = [...new Set(results.flatMap((result) => result.unpricedModels))];
  return (
    <section className="panel" data-testid="upload-summary">
      <h2>Summary</h2>
      <IngestTotalsList
        totals={{
          files: rows.length,
          runs: new Set(results.flatMap((result) => result.runIds)).size,
          calls: sum((result) => result.calls),
          duplicates: sum((result) => result.duplicates),
          costUsd: sum((result) => result.costUsd),
          errorCount,
        }}
      />
      {unpriced.length > 0 ? (
        <p className="notice error">
          Models without a price (their calls are stored, cost counted as $0): {unpriced.join(", ")}
        </p>
      ) : null}
      {onRetry ? (
        <p>
          <button type="button" className="secondary" data-testid="upload-retry" onClick={onRetry}>
            Send the failed files again
          </button>
        </p>
      ) : null}
      <IngestErrorList errors={errors} hidden={errorCount - errors.length} testId="upload-errors" />
    </section>
  );
}
