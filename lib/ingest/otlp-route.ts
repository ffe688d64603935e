/**
 * The OTLP/HTTP receiver's answer: an ExportServiceResponse in the request's own encoding. Records
 * that could not be used are reported as a partial success, as the OTLP specification asks.
 */
import { requestScope } from "@/lib/auth/scope";
import { HttpError, jsonRoute } from "@/lib/http/errors";
import { announceArrival } from "./group-commit";
import { ingestOtlpRequest, type OtlpSignal } from "./ingest-otlp";
import { IngestInputError } from "./trace-body";

export function otlpRoute(signal: OtlpSignal) {
  return jsonRoute(async (request) => {
    // Announced before its key is looked up: a group being formed waits for it (group-commit.ts).
    const arrival = announceArrival();
    let result;
    try {
      const scope = await requestScope(request, "ingest");
      arrival.identify();
      result = await ingestOtlpRequest(scope, request, signal, arrival);
    } catch (error) {
      if (error instanceof IngestInputError)
        throw new HttpError(error.status, error.status === 413 ? "too_large" : "invalid_otlp", error.message);
      throw error;
    } finally {
      arrival.end();
    }
    const protobuf = (request.headers.get("content-type") ?? "").includes("protobuf");
    if (protobuf) {
      // An empty ExportServiceResponse encodes to zero bytes; partial success details go to the batch history.
      return new Response(new Uint8Array(0), { status: 200, headers: { "content-type": "application/x-protobuf" } });
    }
    const rejected = signal === "traces" ? "rejectedSpans" : "rejectedLogRecords";
    const body =
      result.errorCount > 0
        ? {
            partialSuccess: {
              [rejected]: String(result.errorCount),
              errorMessage: result.errors
                .slice(0, 5)
                .map((e) => `record ${e.line}: ${e.message}`)
                .join("; "),
            },
          }
        : {};
    return Response.json(body);
  });
}
