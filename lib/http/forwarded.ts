/**
 * Who the client is, and which scheme and host it used, when a reverse proxy may sit in front of
 * us. X-Forwarded-For / -Proto / -Host are honoured only from peers listed in TRH_TRUSTED_PROXIES
 * (comma-separated IPs or CIDRs; default: none, docs/CONTRACT.md); from anyone else they are dropped
 * and the socket speaks for itself.
 *
 * Next.js keeps whatever X-Forwarded-For a client sends and gives the app no socket address, so
 * the rule runs in our own HTTP server (scripts/server.ts) before Next.js sees the request. After
 * `settleForwardedHeaders`, X-Forwarded-For holds exactly one address, the client's, and the app
 * reads it through `clientAddress`.
 */
import type { IncomingMessage } from "node:http";
import proxyAddr from "proxy-addr";

export type TrustProxy = (address: string, hop: number) => boolean;

export class TrustedProxiesError extends Error {}

/** The trust test for TRH_TRUSTED_PROXIES; an entry that is not an IP or CIDR is a start-up error. */
export function trustedProxies(value = process.env.TRH_TRUSTED_PROXIES ?? ""): TrustProxy {
  const entries = value
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  for (const entry of entries) {
    try {
      proxyAddr.compile(entry);
    } catch {
      throw new TrustedProxiesError(`TRH_TRUSTED_PROXIES: "${entry}" is not an IP address or CIDR range`);
    }
  }
  return proxyAddr.compile(entries);
}

const forwardedHeaders = [
  "x-forwarded-for",
  "x-forwarded-proto",
  "x-forwarded-host",
  "x-forwarded-port",
  "x-real-ip",
  "forwarded",
];

/** The value the nearest proxy set, when a list was appended to along the way. */
function nearestValue(header: string | string[] | undefined): string | undefined {
  const joined = Array.isArray(header) ? header.join(",") : header;
  return joined?.split(",").at(-1)?.trim() || undefined;
}

const hostPattern = /^[a-z0-9.-]{1,253}(:\d{1,5})?$|^\[[0-9a-f:.]{2,45}\](:\d{1,5})?$/i;

/**
 * Rewrites the request's forwarded headers in place: X-Forwarded-For becomes the client's address
 * (the socket's, or the last address before the trusted proxies in the chain); X-Forwarded-Proto
 * and -Host survive only from a trusted proxy and only when well-formed. Next.js fills in what is
 * missing from the socket and the Host header.
 */
export function settleForwardedHeaders(request: IncomingMessage, trust: TrustProxy): void {
  const peer = request.socket.remoteAddress;
  const fromTrustedProxy = peer !== undefined && trust(peer, 0);
  const client = peer === undefined ? undefined : proxyAddr(request, trust);
  const proto = fromTrustedProxy ? nearestValue(request.headers["x-forwarded-proto"])?.toLowerCase() : undefined;
  const host = fromTrustedProxy ? nearestValue(request.headers["x-forwarded-host"]) : undefined;
  for (const name of forwardedHeaders) delete request.headers[name];
  if (client) request.headers["x-forwarded-for"] = client;
  if (proto === "http" || proto === "https") request.headers["x-forwarded-proto"] = proto;
  if (host && hostPattern.test(host)) request.headers["x-forwarded-host"] = host;
}

/**
 * The client's address as settled by our server, for per-address limits; "unknown" (one shared
 * bucket) when the app runs without it (`next dev`), where the header is whatever the client sent.
 */
export function clientAddress(headers: Headers, settled = process.env.TRH_FORWARDED_SETTLED === "1"): string {
  return (settled && headers.get("x-forwarded-for")?.trim()) || "unknown";
}
