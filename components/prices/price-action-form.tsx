"use client";

import { type ReactNode, useActionState } from "react";
import type { PriceFormState } from "@/lib/pricing/actions";

export type PriceAction = (state: PriceFormState, form: FormData) => Promise<PriceFormState>;

/** A form posting to a Prices server action, with its answer under it. */
export function PriceActionForm({
  action,
  children,
  testId,
  className = "inline",
}: {
  action: PriceAction;
  children: (pending: boolean, sent: Record<string, string> | undefined) => ReactNode;
  testId?: string;
  className?: string;
}) {
  const [state, formAction, pending] = useActionState(action, { error: null, message: null });
  return (
    <form action={formAction} className={className} data-testid={testId} aria-busy={pending}>
      {children(pending, state.values)}
      {state.error ? (
        <div className="notice error form-answer" role="alert">
          {state.error}
        </div>
      ) : null}
      {state.message ? (
        <div className="notice ok form-answer" data-testid="price-form-answer">
          {state.message}
        </div>
      ) : null}
    </form>
  );
}
