/**
 * Every API error leaves as JSON `{"error": {"code", "message"}}` with a fitting status
 * (docs/CONTRACT.md), never as an HTML page. Route handlers throw HttpError; `jsonRoute` turns it (and
 * anything unexpected) into that shape.
 */
import { ZodError } from "zod";

import { HttpError } from "./http-error";

export { badRequest, forbidden, HttpError, notFound, unauthorized } from "./http-error";

// Plain Response, not next/server's NextResponse: this module reaches the `trh` CLI (through
// lib/auth/policy.ts and the ingest writer), whose bundle cannot resolve "next/server" under Node ESM.
export function errorResponse(error: unknown): Response {
  if (error instanceof HttpError) {
    return Response.json({ error: { code: error.code, message: error.message } }, { status: error.status });
  }
  if (error instanceof ZodError) {
    const message = error.issues.map((issue) => `${issue.path.join(".") || "input"}: ${issue.message}`).join("; ");
    return Response.json({ error: { code: "invalid_request", message } }, { status: 400 });
  }
  console.error(error);
  return Response.json({ error: { code: "internal", message: "internal server error" } }, { status: 500 });
}

type Handler<Context> = (request: Request, context: Context) => Promise<Response>;

/** Wraps a route handler so that every failure is answered as JSON. */
export function jsonRoute<Context>(handler: Handler<Context>): Handler<Context> {
  return async (request, context) => {
    try {
      return await handler(request, context);
    } catch (error) {
      return errorResponse(error);
    }
  };
}
