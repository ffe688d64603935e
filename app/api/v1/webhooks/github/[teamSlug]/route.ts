import { NextResponse } from "next/server";
import { jsonRoute } from "@/lib/http/errors";
import { readBodyBytes } from "@/lib/http/read-body";
import { handleGithubWebhook, MAX_WEBHOOK_BODY_BYTES, webhookTeam } from "@/lib/outcomes/github-webhook";

export const dynamic = "force-dynamic";

export const POST = jsonRoute<{ params: Promise<{ teamSlug: string }> }>(async (request, { params }) => {
  // A slug with no team or no secret is refused (401, in handleGithubWebhook) before the body is read.
  const team = await webhookTeam((await params).teamSlug);
  // The signature covers the raw bytes, so the body is read as bytes (capped), never re-serialized.
  const body = team ? await readBodyBytes(request, MAX_WEBHOOK_BODY_BYTES) : new Uint8Array(0);
  const result = await handleGithubWebhook(
    team,
    { event: request.headers.get("x-github-event"), deliveryId: request.headers.get("x-github-delivery"), signature: request.headers.get("x-hub-signature-256") },
    body,
  );
  return NextResponse.json(result);
});
