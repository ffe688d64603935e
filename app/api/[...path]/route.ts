import { errorResponse, notFound } from "@/lib/http/errors";

/** Any API path without a route answers JSON too (docs/CONTRACT.md: never an HTML page). */
function noSuchRoute(request: Request) {
  return errorResponse(notFound(`API route ${new URL(request.url).pathname}`));
}

export const GET = noSuchRoute;
export const POST = noSuchRoute;
export const PUT = noSuchRoute;
export const PATCH = noSuchRoute;
export const DELETE = noSuchRoute;
