/**
 * An answer as NDJSON lines while the work runs, for the upload page's bars: `{"type":"progress",
 * processedBytes, totalBytes}` about once per 1% of the body (per MB when its size is unknown),
 * whatever lines the work sends itself (`{"type":"file", ...}`), then `{"type":"result", ...}` or
 * `{"type":"error", status, error}`. Both ingest routes answer this way when asked for it.
 */
import { errorResponse } from "./errors";

export interface ProgressLines {
  /** Bytes of the body read so far. */
  progress(processedBytes: number): void;
  send(line: { type: string } & Record<string, unknown>): void;
}

export function progressLinesResponse(
  totalBytes: number | null,
  work: (lines: ProgressLines) => Promise<object>,
  asHttpError: (error: unknown) => unknown,
): Response {
  const encoder = new TextEncoder();
  const stream = new ReadableStream({
    async start(controller) {
      const send = (value: unknown) => controller.enqueue(encoder.encode(`${JSON.stringify(value)}\n`));
      const step = totalBytes ? totalBytes / 100 : 1024 * 1024;
      let last = 0;
      try {
        const result = await work({
          progress(processedBytes) {
            if (processedBytes - last < step) return;
            last = processedBytes;
            send({ type: "progress", processedBytes, totalBytes });
          },
          send,
        });
        send({ type: "result", ...result });
      } catch (error) {
        const response = errorResponse(asHttpError(error));
        send({ type: "error", status: response.status, ...(await response.json()) });
      }
      controller.close();
    },
  });
  return new Response(stream, {
    headers: { "content-type": "application/x-ndjson; charset=utf-8", "cache-control": "no-store" },
  });
}
