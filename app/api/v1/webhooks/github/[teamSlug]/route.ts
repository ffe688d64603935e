import { NextResponse } from "next/server";
import { jsonRoute } from "@/lib/http/errors";
import { readBodyCapped } from "@/lib/http/read-body";
import { handleGithubWebhook, MAX_WEBHOOK_BODY_BYTES, webhookTeam } from "@/lib/outcomes/github-webhook";

export const dynamic = "force-dynamic";

export const POST = jsonRoute<{ params: Promise<{ teamSlug: string }> }>(async (request, { params }) => {
  const signature = request.headers.get("x-hub-signature-256");
  // No team, no secret, or no signature that could match: 401 before the body is read.
  const team = await webhookTeam((await params).teamSlug, signature);
  // The signature covers the raw bytes, so the body is read as bytes (capped), never re-serialized.
  const body = await readBodyCapped(request, MAX_WEBHOOK_BODY_BYTES);
  const result = await handleGithubWebhook(
    team,
    { event: request.headers.get("x-github-event"), deliveryId: request.headers.get("x-github-delivery"), signature },
    body,
  );
  return NextResponse.json(result);
});
