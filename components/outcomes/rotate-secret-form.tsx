"use client";

import { useActionState } from "react";
import { rotateWebhookSecretAction, type WebhookSecretState } from "@/lib/outcomes/webhook-secret-actions";

export function RotateSecretForm({ hasSecret }: { hasSecret: boolean }) {
  const [state, action, pending] = useActionState<WebhookSecretState>(rotateWebhookSecretAction, { secret: null });
  return (
    <>
      {state.secret ? (
        <div className="notice ok">
          <p>Paste this secret into the GitHub webhook now. It is not shown again:</p>
          <div className="secret" data-testid="webhook-secret">
            {state.secret}
          </div>
        </div>
      ) : null}
      <form action={action}>
        <button type="submit" disabled={pending} className={hasSecret || state.secret ? "danger" : undefined}>
          {pending
            ? "Generating…"
            : hasSecret || state.secret
              ? "Rotate secret (the old one stops working)"
              : "Generate secret"}
        </button>
      </form>
    </>
  );
}
