import { NextResponse } from "next/server";
import { z } from "zod";
import { requestScope } from "@/lib/auth/scope";
import { badRequest, HttpError, jsonRoute } from "@/lib/http/errors";
import { progressLinesResponse } from "@/lib/http/progress-lines";
import { streamedBody, wantsProgressLines } from "@/lib/http/read-body";
import { ingestFormats } from "@/lib/ingest/formats";
import { ingestRequestBody } from "@/lib/ingest/ingest-request";
import { acceptedFormatsMessage, IngestInputError, maxUploadBytes } from "@/lib/ingest/trace-body";

export const dynamic = "force-dynamic";

const querySchema = z.object({
  format: z.enum([...ingestFormats, "auto"], { error: acceptedFormatsMessage }).default("auto"),
  // Stored and shown as the batch's file name: no NUL (Postgres refuses it) or other control characters.
  file: z
    .string()
    .max(1000, "file: a path of at most 1000 characters")
    .refine((path) => !/[\u0000-\u001f\u007f]/.test(path), "file: a path without control characters (such as NUL)")
    .optional(),
});

/**
 * `POST /api/v1/ingest?format=...&file=<relative path>`: one trace file as the body (gzip with
 * Content-Encoding: gzip). Answers the batch summary as JSON, or, with Accept:
 * application/x-ndjson, progress lines first and the summary last (the upload page's bars).
 */
export const POST = jsonRoute(async (request) => {
  const scope = await requestScope(request, "ingest");
  const parsed = querySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw badRequest(
      issue?.message ?? acceptedFormatsMessage,
      issue?.path[0] === "file" ? "invalid_request" : "unsupported_format",
    );
  }
  // The running cap (after gunzip) is enforced while streaming; a declared size over it is refused at once.
  const body = streamedBody(request, maxUploadBytes());
  const run = (onProgress?: (processedBytes: number) => void) =>
    // The findings are queued, not awaited: the answer comes once the batch has committed.
    ingestRequestBody(scope, { ...body, onRawBytes: onProgress }, parsed.data, "queue");
  if (!wantsProgressLines(request)) {
    try {
      return NextResponse.json(await run());
    } catch (error) {
      throw asHttpError(error);
    }
  }
  return progressLinesResponse(
    Number(request.headers.get("content-length")) || null,
    (lines) => run((processedBytes) => lines.progress(processedBytes)),
    asHttpError,
  );
});

function asHttpError(error: unknown): unknown {
  if (error instanceof IngestInputError)
    return new HttpError(error.status, error.status === 413 ? "too_large" : "unsupported_format", error.message);
  return error;
}
