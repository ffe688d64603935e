/**
 * Every API error leaves as JSON `{"error": {"code", "message"}}` with a fitting status
 * (CONTRACT.md), never as an HTML page. Route handlers throw HttpError; `jsonRoute` turns it (and
 * anything unexpected) into that shape.
 */
import { ZodError } from "zod";

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const unauthorized = (message = "sign in, or send Authorization: Bearer <api key>") =>
  new HttpError(401, "unauthorized", message);
export const forbidden = (message = "your role or key does not allow this") => new HttpError(403, "forbidden", message);
export const notFound = (what = "resource") => new HttpError(404, "not_found", `${what} not found`);
export const badRequest = (message: string, code = "bad_request") => new HttpError(400, code, message);

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
