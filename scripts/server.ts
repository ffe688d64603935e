/**
 * The web server `npm start` runs (scripts/start.ts starts it): Next.js behind Node's own HTTP
 * server, so that every request's forwarded headers are settled (lib/http/forwarded.ts) before the
 * app reads them. `next start` would keep whatever X-Forwarded-For a client sends, and the app
 * never sees the socket's address.
 */
import { createServer } from "node:http";
import next from "next";
import { settleForwardedHeaders, trustedProxies } from "@/lib/http/forwarded";

// scripts/start.ts has checked the setting already, so that a typo fails before the build.
const trust = trustedProxies();
// Tells lib/http/forwarded.ts that X-Forwarded-For has been settled: under a bare `next dev` or
// `next start` a client could write it, and the app then uses no per-address bucket at all.
process.env.TRH_FORWARDED_SETTLED = "1";
const port = Number(process.env.PORT || 3000);
const app = next({ dev: false, port });
await app.prepare();
const handle = app.getRequestHandler();

const server = createServer((request, response) => {
  settleForwardedHeaders(request, trust);
  handle(request, response).catch((error: unknown) => {
    console.error(error);
    if (!response.headersSent) response.writeHead(500);
    response.end();
  });
});
// Node closes an idle keep-alive connection after 5 s, which races with a client that just sent
// its next request on it (the client sees ECONNRESET). Idle connections live longer than clients
// and proxies usually wait between requests.
server.keepAliveTimeout = 65_000;
server.listen(port);
