"use server";

import { revalidatePath } from "next/cache";
import { pageScope } from "@/lib/auth/scope";
import { rotateGithubWebhookSecret } from "@/lib/outcomes/webhook-secret";

export interface WebhookSecretState {
  /** The new secret, shown once. */
  secret: string | null;
}

export async function rotateWebhookSecretAction(): Promise<WebhookSecretState> {
  const scope = await pageScope("settings:manage");
  const secret = await rotateGithubWebhookSecret(scope, scope.actor.userId);
  revalidatePath("/settings/webhooks");
  return { secret };
}
