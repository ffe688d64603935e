"use client";

import { type ReactNode, useActionState } from "react";
import type { BudgetFormState } from "@/lib/budgets/actions";

type Action = (state: BudgetFormState, form: FormData) => Promise<BudgetFormState>;

/** A small form posting to a budgets server action, with its answer under it. */
export function BudgetActionForm({
  action,
  children,
  testId,
  className = "inline",
}: {
  action: Action;
  children: (pending: boolean) => ReactNode;
  testId?: string;
  className?: string;
}) {
  const [state, formAction, pending] = useActionState(action, { error: null, message: null });
  return (
    <form action={formAction} className={className} data-testid={testId} aria-busy={pending}>
      {children(pending)}
      {state.error ? <div className="notice error form-answer">{state.error}</div> : null}
      {state.message ? (
        <div className="notice ok form-answer" data-testid="budget-form-answer">
          {state.message}
        </div>
      ) : null}
    </form>
  );
}
