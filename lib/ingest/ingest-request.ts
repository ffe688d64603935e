/** An HTTP request body as one trace file: what `POST /api/v1/ingest` hands to the writer. */
import type { Scope } from "@/lib/auth/scope";
import type { IngestFormat } from "./formats";
import { ingestOtlpJsonFile } from "./ingest-otlp";
import { type FileBody, openTraceBody, traceEvents } from "./trace-body";
import { cleanText, MAX_ID_CHARS } from "./validate-events";
import { ingestEvents } from "./writer";

export interface IngestResponseBody {
  runs: number;
  /** Extension to docs/CONTRACT.md: lets a client sending many files count distinct runs. */
  runIds: string[];
  calls: number;
  duplicates: number;
  costUsd: number;
  batchId: string;
  unpricedModels: string[];
  errorCount: number;
  errors: { line: number; message: string }[];
}

export async function ingestRequestBody(
  scope: Scope,
  body: FileBody,
  query: { format: IngestFormat | "auto"; file?: string },
  /** IngestInput's: the route queues the after-commit work, library callers await it. */
  afterCommit: "await" | "queue" = "await",
): Promise<IngestResponseBody> {
  // The name is the client's: stored and shown, so cleaned like any trace text.
  const fileName = cleanText(query.file ?? "upload.jsonl", MAX_ID_CHARS);
  const { format, stream } = await openTraceBody({
    format: query.format,
    fileName,
    body,
  });
  const result =
    format === "otlp-json"
      ? await ingestOtlpJsonFile(scope, stream, fileName, afterCommit)
      : await ingestEvents(scope, { format, fileName, events: traceEvents(format, stream, fileName), afterCommit });
  return {
    runs: result.runs,
    runIds: result.runIds,
    calls: result.calls,
    duplicates: result.duplicates,
    costUsd: result.costUsd,
    batchId: result.batchId,
    unpricedModels: result.unpricedModels,
    errorCount: result.errorCount,
    errors: result.errors.map(({ line, message }) => ({ line, message })),
  };
}
