/** An HTTP request body as one trace file: what `POST /api/v1/ingest` hands to the writer. */
import type { Scope } from "@/lib/auth/scope";
import { ingestFile, type IngestFormat } from "./ingest-file";
import { ingestOtlpRequest } from "./ingest-otlp";

export interface IngestResponseBody {
  runs: number;
  /** Extension to CONTRACT.md: lets a client sending many files count distinct runs. */
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
  request: Request,
  query: { format: IngestFormat | "auto"; file?: string },
  onProgress?: (processedBytes: number) => void,
): Promise<IngestResponseBody> {
  const gzip = (request.headers.get("content-encoding") ?? "").toLowerCase().includes("gzip");
  const fileName = query.file ?? "upload.jsonl";
  const result =
    query.format === "otlp-json" || (query.format === "auto" && fileName.endsWith(".json"))
      ? await ingestOtlpRequest(scope, request, "json-auto", fileName)
      : await ingestFile(scope, {
          format: query.format,
          fileName,
          body: { bytes: request.body as unknown as AsyncIterable<Uint8Array>, gzip, onRawBytes: onProgress },
        });
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
