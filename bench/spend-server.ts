/**
 * GET /api/v1/spend's route handler behind a plain node:http server (the same handler `npm start`
 * serves, without building the Next.js app), for bench:queries' concurrent-requests figure.
 * On DATABASE_URL; prints "ready <port>".
 *
 * usage: tsx bench/spend-server.ts
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { GET } from "@/app/api/v1/spend/route";

const server = createServer((incoming, outgoing) => {
  const request = new Request(`http://localhost${incoming.url}`, {
    headers: incoming.headers as Record<string, string>,
  });
  void GET(request, undefined as never).then(async (response) => {
    outgoing.writeHead(response.status, Object.fromEntries(response.headers));
    outgoing.end(Buffer.from(await response.arrayBuffer()));
  });
});
server.listen(0, "127.0.0.1", () => process.stdout.write(`ready ${(server.address() as AddressInfo).port}\n`));
