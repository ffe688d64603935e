import { assertMay } from "@/lib/auth/policy";
import { requestScope } from "@/lib/auth/scope";
import { jsonRoute } from "@/lib/http/errors";
import { readJsonBody } from "@/lib/http/read-body";
import { outcomeActor } from "@/lib/outcomes/record-outcome";
import { setGithubWebhookSecret, webhookSecretRequestSchema } from "@/lib/outcomes/webhook-secret";

export const dynamic = "force-dynamic";

/** `{"secret"}` is a few dozen bytes. */
const MAX_BODY_BYTES = 4 * 1024;

/** Sets the team's webhook secret (what Settings -> Webhooks does): a key of scope `all`, or an admin session. */
export const PUT = jsonRoute(async (request) => {
  const scope = await requestScope(request, "spend:read-team");
  assertMay(scope, "settings:manage", "setting the webhook secret needs an admin, or a key of scope all");
  const { secret } = webhookSecretRequestSchema.parse(await readJsonBody(request, MAX_BODY_BYTES));
  await setGithubWebhookSecret(scope, secret, outcomeActor(scope));
  return new Response(null, { status: 204 });
});
