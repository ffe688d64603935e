/**
 * Reading a request body with a cap that fits its route. The body is read as a stream and counted
 * as it arrives, so an oversized body (Content-Length or chunked alike) is refused with 413 as soon
 * as it passes the cap, never buffered whole first.
 */
import { HttpError } from "./errors";

export const payloadTooLarge = (maxBytes: number) => new HttpError(413, "payload_too_large", `the body is larger than ${maxBytes} bytes`);

/** The body's bytes, at most `maxBytes` of them; throws 413 past that (and stops reading). */
export async function readBodyBytes(request: Request, maxBytes: number): Promise<Uint8Array> {
  // A declared length past the cap is refused before a byte is read.
  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) throw payloadTooLarge(maxBytes);
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw payloadTooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

/** The body as JSON, at most `maxBytes` long; 413 past that, 400 when it is not UTF-8 JSON. */
export async function readJsonBody(request: Request, maxBytes: number): Promise<unknown> {
  const bytes = await readBodyBytes(request, maxBytes);
  try {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    throw new HttpError(400, "bad_request", "the body must be JSON");
  }
}
