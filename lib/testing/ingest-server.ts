/**
 * The ingest route handlers (the two `trh push` calls, many files per request or one, and the
 * OTLP receiver's) behind a plain node:http server, standing in for Next.js's own: for tests of
 * push and for bench:import and bench:otlp, without building the app.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { POST as otlpLogs } from "@/app/api/otlp/v1/logs/route";
import { POST as otlpTraces } from "@/app/api/otlp/v1/traces/route";
import { POST as ingestMany } from "@/app/api/v1/ingest/files/route";
import { POST as ingestOne } from "@/app/api/v1/ingest/route";

const routes: Record<string, (request: Request, context: never) => Promise<Response>> = {
  "/api/v1/ingest": ingestOne,
  "/api/v1/ingest/files": ingestMany,
  "/api/otlp/v1/logs": otlpLogs,
  "/api/otlp/v1/traces": otlpTraces,
};

/** Listens on 127.0.0.1 (`port` 0: any free port) and answers when it is ready. */
export async function startIngestServer(port = 0): Promise<{ url: string; server: Server }> {
  const server = createServer((incoming, outgoing) => {
    const request = new Request(`http://localhost${incoming.url}`, {
      method: incoming.method,
      headers: incoming.headers as Record<string, string>,
      body: Readable.toWeb(incoming) as ReadableStream,
      duplex: "half",
    } as RequestInit);
    const route = routes[new URL(request.url).pathname];
    if (!route) {
      outgoing.writeHead(404).end();
      return;
    }
    void route(request, undefined as never).then(async (response) => {
      outgoing.writeHead(response.status, Object.fromEntries(response.headers));
      outgoing.end(Buffer.from(await response.arrayBuffer()));
    });
  });
  // Node's 5 s keep-alive, as Next.js's: `trh push` sends a request again when the connection it
  // went out on was closed under it (lib/cli/push.ts).
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}
