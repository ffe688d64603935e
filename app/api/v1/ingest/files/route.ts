import { NextResponse } from "next/server";
import { requestScope } from "@/lib/auth/scope";
import { HttpError, jsonRoute } from "@/lib/http/errors";
import { progressLinesResponse } from "@/lib/http/progress-lines";
import { streamedBody, wantsProgressLines } from "@/lib/http/read-body";
import { ingestFiles } from "@/lib/ingest/ingest-files";
import { IngestInputError, maxUploadBytes } from "@/lib/ingest/trace-body";

export const dynamic = "force-dynamic";

/**
 * `POST /api/v1/ingest/files`: many trace files in one body (lib/ingest/ingest-files.ts has the
 * format), stored as one batch; gzip with Content-Encoding: gzip. Answers
 * `{batchId, files, runs, runIds, calls, duplicates, costUsd, unpricedModels, errorCount,
 * errors: [{file, line, message}]}`; with Accept: application/x-ndjson, progress lines and a
 * `{"type":"file", index, file, refused}` line per file read first, the summary last (the
 * upload page). `POST /api/v1/ingest` (one file) reads its body the same way. The answer comes
 * once the batch has committed; its findings are queued (lib/ingest/after-commit-queue.ts).
 */
export const POST = jsonRoute(async (request) => {
  const scope = await requestScope(request, "ingest");
  const body = streamedBody(request, maxUploadBytes());
  if (!wantsProgressLines(request)) {
    try {
      return NextResponse.json(await ingestFiles(scope, body, undefined, "queue"));
    } catch (error) {
      throw asHttpError(error);
    }
  }
  return progressLinesResponse(
    Number(request.headers.get("content-length")) || null,
    (lines) =>
      ingestFiles(
        scope,
        { ...body, onRawBytes: (processedBytes) => lines.progress(processedBytes) },
        (file) => lines.send({ type: "file", ...file }),
        "queue",
      ),
    asHttpError,
  );
});

function asHttpError(error: unknown): unknown {
  if (error instanceof IngestInputError)
    return new HttpError(error.status, error.status === 413 ? "too_large" : "invalid_request", error.message);
  return error;
}
