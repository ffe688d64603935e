/**
 * Runs before every page: a fresh nonce and the content security policy that only lets scripts
 * carrying it run (Next.js picks the nonce up from the request's CSP header), Strict-Transport-
 * Security behind https, and a redirect to sign-in for pages when there is no session cookie.
 * The redirect is only a convenience: pages and API routes check the session on the server.
 */
import { type NextRequest, NextResponse } from "next/server";

const publicPages = ["/signin", "/forbidden"];

function contentSecurityPolicy(nonce: string, dev: boolean): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    // Recharts and React set style attributes; styles cannot run code.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

function hasSessionCookie(request: NextRequest): boolean {
  return request.cookies.getAll().some((cookie) => cookie.name.endsWith("authjs.session-token"));
}

export function proxy(request: NextRequest) {
  const { pathname } = request.nextUrl;
  if (!publicPages.includes(pathname) && !hasSessionCookie(request)) {
    const url = request.nextUrl.clone();
    url.pathname = "/signin";
    url.search = pathname === "/" ? "" : `?callbackUrl=${encodeURIComponent(pathname + request.nextUrl.search)}`;
    return NextResponse.redirect(url);
  }
  const nonce = Buffer.from(crypto.randomUUID()).toString("base64");
  const csp = contentSecurityPolicy(nonce, process.env.NODE_ENV === "development");
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("Content-Security-Policy", csp);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("Content-Security-Policy", csp);
  // X-Forwarded-Proto is the socket's own scheme unless a trusted proxy set it (lib/http/forwarded.ts).
  if (request.headers.get("x-forwarded-proto") === "https" || request.nextUrl.protocol === "https:") {
    response.headers.set("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
  }
  return response;
}

export const config = {
  // Pages only: API routes answer JSON errors themselves, and static assets need no nonce.
  matcher: ["/((?!api/|_next/static|_next/image|favicon.svg|robots.txt).*)"],
};
