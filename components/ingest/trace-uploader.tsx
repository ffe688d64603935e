"use client";

import { type DragEvent, useEffect, useRef, useState } from "react";
import { formatInteger } from "@/lib/format";
import { type IngestErrorItem, IngestErrorList, IngestTotalsList } from "./ingest-summary";
import {
  filesFromDrop,
  filesFromInput,
  type IngestFileResult,
  isTraceFile,
  type SelectedFile,
  uploadTraceFile,
} from "./upload-transport";

/** Files in flight at once: enough to overlap upload and processing without crowding the server. */
const CONCURRENT_UPLOADS = 2;

interface FileRow {
  path: string;
  status: "queued" | "uploading" | "processing" | "done" | "failed";
  uploadedBytes: number;
  uploadTotal: number;
  processedBytes: number;
  processTotal: number;
  result: IngestFileResult | null;
  failure: string | null;
}

/** Drag and drop (or pick) trace files and folders; each file is sent on its own, then summed up. */
export function TraceUploader() {
  const [rows, setRows] = useState<FileRow[]>([]);
  const [skipped, setSkipped] = useState(0);
  const [dragging, setDragging] = useState(false);
  const busy = rows.some((row) => row.status !== "done" && row.status !== "failed");
  const filesInput = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);
  // Files chosen before React attached its handlers would be ignored: scripts (and the browser
  // tests) wait for data-ready before choosing files.
  const [ready, setReady] = useState(false);
  useEffect(() => setReady(true), []);

  const update = (index: number, change: Partial<FileRow>) =>
    setRows((current) => current.map((row, i) => (i === index ? { ...row, ...change } : row)));

  async function start(selected: SelectedFile[]) {
    if (busy) return;
    const traces = selected.filter((entry) => isTraceFile(entry.path)).sort((a, b) => a.path.localeCompare(b.path));
    setSkipped(selected.length - traces.length);
    setRows(
      traces.map(({ path, file }) => ({
        path,
        status: "queued",
        uploadedBytes: 0,
        uploadTotal: file.size,
        processedBytes: 0,
        processTotal: file.size,
        result: null,
        failure: null,
      })),
    );
    let next = 0;
    const worker = async () => {
      while (next < traces.length) {
        const index = next++;
        const entry = traces[index];
        if (!entry) return;
        update(index, { status: "uploading" });
        try {
          const result = await uploadTraceFile(entry, {
            onUploaded: (uploadedBytes, uploadTotal) =>
              update(index, {
                uploadedBytes,
                uploadTotal,
                ...(uploadedBytes >= uploadTotal ? { status: "processing" } : {}),
              }),
            onProcessed: (processedBytes, total) =>
              update(index, { processedBytes, ...(total ? { processTotal: total } : {}) }),
          });
          setRows((current) =>
            current.map((row, i) =>
              i === index
                ? { ...row, status: "done", result, uploadedBytes: row.uploadTotal, processedBytes: row.processTotal }
                : row,
            ),
          );
        } catch (error) {
          update(index, { status: "failed", failure: error instanceof Error ? error.message : String(error) });
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENT_UPLOADS }, worker));
  }

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

      {rows.length > 0 ? <UploadRows rows={rows} skipped={skipped} /> : null}
      {rows.length > 0 && !busy ? <UploadSummary rows={rows} /> : null}
    </>
  );
}

function UploadRows({ rows, skipped }: { rows: FileRow[]; skipped: number }) {
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
                <progress
                  data-testid="upload-progress-upload"
                  value={row.uploadedBytes}
                  max={Math.max(1, row.uploadTotal)}
                />
              </td>
              <td>
                <progress
                  data-testid="upload-progress-processing"
                  value={row.processedBytes}
                  max={Math.max(1, row.processTotal)}
                />
              </td>
              <td>{statusText(row)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function statusText(row: FileRow): string {
  if (row.status === "failed") return "failed";
  if (row.status !== "done" || !row.result) return row.status;
  const { calls, duplicates, errorCount } = row.result;
  const parts = [
    count(calls, "call"),
    count(duplicates, "duplicate"),
    ...(errorCount > 0 ? [count(errorCount, "error")] : []),
  ];
  return parts.join(", ");
}

function count(value: number, noun: string): string {
  return `${formatInteger(value)} ${value === 1 ? noun : `${noun}s`}`;
}

function UploadSummary({ rows }: { rows: FileRow[] }) {
  const results = rows.flatMap((row) => (row.result ? [{ path: row.path, result: row.result }] : []));
  const sum = (pick: (result: IngestFileResult) => number) =>
    results.reduce((total, { result }) => total + pick(result), 0);
  const failures = rows.filter((row) => row.status === "failed");
  const errors: IngestErrorItem[] = [
    ...failures.map((row) => ({ file: row.path, line: null, message: row.failure ?? "failed" })),
    ...results.flatMap(({ path, result }) =>
      result.errors.map((error) => ({ file: path, line: error.line, message: error.message })),
    ),
  ];
  const errorCount = failures.length + sum((result) => result.errorCount);
  const unpriced = [...new Set(results.flatMap(({ result }) => result.unpricedModels))];
  return (
    <section className="panel" data-testid="upload-summary">
      <h2>Summary</h2>
      <IngestTotalsList
        totals={{
          files: rows.length,
          runs: new Set(results.flatMap(({ result }) => result.runIds)).size,
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
      <IngestErrorList errors={errors} hidden={errorCount - errors.length} testId="upload-errors" />
    </section>
  );
}
