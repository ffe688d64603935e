import { NextRequest } from "next/server";
import { handlers } from "@/lib/auth/auth";
import { jsonRoute } from "@/lib/http/errors";
import { readBodyCapped } from "@/lib/http/read-body";

/** Sign-in and sign-out forms are a few hundred bytes: next-auth would read any size whole. */
const AUTH_MAX_BODY_BYTES = 16 * 1024;

export const { GET } = handlers;

export const POST = jsonRoute(async (request) => {
  const body = await readBodyCapped(request, AUTH_MAX_BODY_BYTES);
  return handlers.POST(
    new NextRequest(request.url, { method: "POST", headers: request.headers, body: body as BodyInit }),
  );
});
