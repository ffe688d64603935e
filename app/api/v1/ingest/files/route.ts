import { NextResponse } from "next/server";
import { requestScope } from "@/lib/auth/scope";
import { badRequest, HttpError, jsonRoute } from "@/lib/http/errors";
import { refuseDeclaredOversize } from "@/lib/http/read-body";
import { IngestInputError, maxUploadBytes } from "@/lib/ingest/ingest-file";
import { ingestFiles } from "@/lib/ingest/ingest-files";

export const dynamic = "force-dynamic";

/**
 * `POST /api/v1/ingest/files`: many trace files in one body (lib/ingest/ingest-files.ts has the
 * format), stored as one batch; gzip with Content-Encoding: gzip. Answers
 * `{batchId, files, runs, runIds, calls, duplicates, costUsd, unpricedModels, errorCount,
 * errors: [{file, line, message}]}`. `POST /api/v1/ingest` (one file) stays as it is.
 */
export const POST = jsonRoute(async (request) => {
  const scope = await requestScope(request, "ingest");
  if (!request.body) throw badRequest("the request has no body");
  refuseDeclaredOversize(request, maxUploadBytes());
  const gzip = (request.headers.get("content-encoding") ?? "").toLowerCase().includes("gzip");
  try {
    return NextResponse.json(
      await ingestFiles(scope, { bytes: request.body as unknown as AsyncIterable<Uint8Array>, gzip }),
    );
  } catch (error) {
    if (error instanceof IngestInputError)
      throw new HttpError(error.status, error.status === 413 ? "too_large" : "invalid_request", error.message);
    throw error;
  }
});
