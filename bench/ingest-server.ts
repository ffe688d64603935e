/**
 * The two ingest route handlers behind a plain node:http server, for bench:import's push and
 * upload figures without building the Next.js app (minutes on this machine): the same handlers
 * `npm start` serves, on DATABASE_URL or the embedded database in TRH_DATA_DIR. Prints "ready".
 *
 * usage: PORT=N tsx bench/ingest-server.ts
 */
import { createServer } from "node:http";
import { Readable } from "node:stream";
import { POST as ingestOne } from "@/app/api/v1/ingest/route";
import { POST as ingestMany } from "@/app/api/v1/ingest/files/route";

const server = createServer((incoming, outgoing) => {
  const request = new Request(`http://localhost${incoming.url}`, {
    method: incoming.method,
    headers: incoming.headers as Record<string, string>,
    body: Readable.toWeb(incoming) as ReadableStream,
    duplex: "half",
  } as RequestInit);
  const route = new URL(request.url).pathname === "/api/v1/ingest/files" ? ingestMany : ingestOne;
  void route(request, undefined as never).then(async (response) => {
    outgoing.writeHead(response.status, Object.fromEntries(response.headers));
    outgoing.end(Buffer.from(await response.arrayBuffer()));
  });
});
server.listen(Number(process.env.PORT), "127.0.0.1", () => process.stdout.write("ready\n"));
