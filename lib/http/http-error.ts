/**
 * The errors a request can end in, without Next.js: lib/ code the CLI also runs (the policy, the
 * writer's callers) throws these, and lib/http/errors.ts answers them as JSON in routes.
 */
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
