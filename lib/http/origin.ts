/**
 * This server's own origin, as the browser sees it. X-Forwarded-Proto and -Host can be read as they
 * are: our server (lib/http/forwarded.ts) keeps them only from trusted proxies, and Next.js fills
 * them in from the socket and the Host header otherwise.
 */
import { headers } from "next/headers";

export function ownOrigin(requestHeaders: Headers): string | null {
  const host = requestHeaders.get("x-forwarded-host") ?? requestHeaders.get("host");
  if (!host) return null;
  const proto = requestHeaders.get("x-forwarded-proto") ?? "http";
  try {
    return new URL(`${proto}://${host}`).origin;
  } catch {
    return null;
  }
}

/** The origin the browser used to reach us, for copy-pasteable commands. */
export async function requestOrigin(): Promise<string> {
  return ownOrigin(await headers()) ?? "http://localhost:3000";
}

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/**
 * The Origin rule for writes authenticated by the session cookie (docs/CONTRACT.md): the request's
 * Origin, or without one its Referer, must be our own origin. A browser always sends one of them on
 * a cross-site POST, so a missing pair is refused as well.
 */
export function isSameOriginRequest(request: Request): boolean {
  const own = ownOrigin(request.headers);
  const origin = request.headers.get("origin");
  const claimed = origin !== null ? originOf(origin) : originOf(request.headers.get("referer") ?? "");
  return own !== null && claimed === own;
}
