import { NextResponse } from "next/server";
import { badRequest, jsonRoute } from "@/lib/http/errors";
import { handleGithubWebhook } from "@/lib/outcomes/github-webhook";

export const dynamic = "force-dynamic";

/** GitHub payloads are a few hundred KB at most; anything far larger is not GitHub. */
const MAX_BODY_BYTES = 5 * 1024 * 1024;

export const POST = jsonRoute<{ params: Promise<{ teamSlug: string }> }>(async (request, { params }) => {
  if (Number(request.headers.get("content-length") ?? 0) > MAX_BODY_BYTES) throw badRequest("the body is too large");
  // The signature covers the raw bytes, so the body is read as bytes, never re-serialized.
  const body = new Uint8Array(await request.arrayBuffer());
  if (body.byteLength > MAX_BODY_BYTES) throw badRequest("the body is too large");
  const result = await handleGithubWebhook(
    (await params).teamSlug,
    request.headers.get("x-github-event"),
    body,
    request.headers.get("x-hub-signature-256"),
  );
  return NextResponse.json(result);
});
