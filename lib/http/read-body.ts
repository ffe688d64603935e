/**
 * Request bodies read as a stream with a running byte cap, so an oversized body (chunked, without
 * Content-Length, included) is refused with 413 JSON after at most `maxBytes` are held, never
 * buffered whole first. Each route passes the cap that fits it (SECURITY.md lists them).
 */
import { badRequest, HttpError } from "./errors";

export const bodyTooLarge = (maxBytes: number) =>
  new HttpError(413, "too_large", `the request body is larger than the limit of ${maxBytes} bytes for this route`);

/** Refuses at once a body whose declared Content-Length is over the cap. */
export function refuseDeclaredOversize(request: Request, maxBytes: number): void {
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) throw bodyTooLarge(maxBytes);
}

/** The whole body, or a 413 HttpError as soon as more than `maxBytes` arrive. */
export async function readBodyCapped(request: Request, maxBytes: number): Promise<Uint8Array> {
  refuseDeclaredOversize(request, maxBytes);
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw bodyTooLarge(maxBytes);
    }
    parts.push(value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const part of parts) {
    body.set(part, offset);
    offset += part.byteLength;
  }
  return body;
}

/** The body as JSON, at most `maxBytes` long; 413 past that, 400 when it is not UTF-8 JSON. */
export async function readJsonBody(request: Request, maxBytes: number): Promise<unknown> {
  const bytes = await readBodyCapped(request, maxBytes);
  try {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    throw new HttpError(400, "bad_request", "the body must be JSON");
  }
}

/** A body to stream (an ingest's trace files): its bytes as they arrive, and whether they are gzip. */
export interface StreamedBody {
  bytes: AsyncIterable<Uint8Array>;
  gzip: boolean;
}

/**
 * The body of a route that streams it (both ingest routes): 400 without one, 413 at once when its
 * declared size is over `maxBytes`; the running cap after gunzip is the reader's to enforce.
 */
export function streamedBody(request: Request, maxBytes: number): StreamedBody {
  if (!request.body) throw badRequest("the request has no body");
  refuseDeclaredOversize(request, maxBytes);
  return {
    bytes: request.body as unknown as AsyncIterable<Uint8Array>,
    gzip: (request.headers.get("content-encoding") ?? "").toLowerCase().includes("gzip"),
  };
}

/** The client asked for progress lines (Accept: application/x-ndjson), as the upload page does. */
export function wantsProgressLines(request: Request): boolean {
  return (request.headers.get("accept") ?? "").includes("application/x-ndjson");
}
