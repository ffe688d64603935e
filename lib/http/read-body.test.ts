import { describe, expect, it } from "vitest";
import { HttpError } from "./errors";
import { readBodyCapped } from "./read-body";

/** A chunked body (no Content-Length) of `chunks` pieces of 64 kB, counting what was pulled from it. */
function chunkedRequest(chunks: number, headers: Record<string, string> = {}) {
  const pulled = { bytes: 0 };
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent++ === chunks) return controller.close();
      pulled.bytes += 65_536;
      controller.enqueue(new Uint8Array(65_536).fill(120));
    },
  });
  return {
    request: new Request("http://localhost/x", { method: "POST", body, headers, duplex: "half" } as RequestInit),
    pulled,
  };
}

describe("readBodyCapped", () => {
  it("returns a body within the cap whole", async () => {
    const { request } = chunkedRequest(3);
    const body = await readBodyCapped(request, 3 * 65_536);
    expect(body.byteLength).toBe(3 * 65_536);
    expect(body.every((byte) => byte === 120)).toBe(true);
  });

  it("refuses a chunked body with 413 once past the cap, without reading the rest", async () => {
    const { request, pulled } = chunkedRequest(100_000); // 6.5 GB if read whole
    const error = await readBodyCapped(request, 1024 * 1024).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({ status: 413, code: "too_large" });
    expect(pulled.bytes).toBeLessThan(4 * 1024 * 1024);
  });

  it("refuses a declared Content-Length over the cap before reading anything", async () => {
    const { request, pulled } = chunkedRequest(10, { "content-length": String(10 * 65_536) });
    await expect(readBodyCapped(request, 65_536)).rejects.toMatchObject({ status: 413 });
    expect(pulled.bytes).toBeLessThanOrEqual(65_536);
  });
});
