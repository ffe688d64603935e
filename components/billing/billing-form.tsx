"use client";

import { type ReactNode, useActionState } from "react";
import type { BillingFormState } from "@/lib/billing/actions";

type Action = (state: BillingFormState, form: FormData) => Promise<BillingFormState>;

/** A small form whose server action answers with an error or a confirmation, shown under it. */
/** `quietErrors`: the error is shown elsewhere (a sync's failure is stored on its source and shown there). */
export function BillingForm({
  action,
  children,
  testId,
  pendingLabel,
  quietErrors,
}: {
  action: Action;
  children: (pending: boolean) => ReactNode;
  testId?: string;
  pendingLabel?: string;
  quietErrors?: boolean;
}) {
  const [state, formAction, pending] = useActionState(action, { error: null, message: null });
  return (
    <form action={formAction} className="inline" data-testid={testId} aria-busy={pending}>
      {children(pending)}
      {pending && pendingLabel ? <span className="muted small">{pendingLabel}</span> : null}
      {state.error && !quietErrors ? <div className="notice error form-answer">{state.error}</div> : null}
      {state.message ? <div className="notice ok form-answer">{state.message}</div> : null}
    </form>
  );
}
