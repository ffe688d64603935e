"use client";

import { type FormEvent, type ReactNode, startTransition, useActionState } from "react";
import type { OwnershipFormState } from "@/lib/ownership/actions";

type Action = (state: OwnershipFormState, form: FormData) => Promise<OwnershipFormState>;

/**
 * A form whose server action answers with an error, a confirmation, or a preview of what it would
 * change; the answer shows under the fields. Buttons name their intent (preview, apply, rule).
 * The action is called by hand rather than through `<form action>`, because React resets a form
 * after its action runs: the fields must keep their values between "Preview" and "Apply".
 */
export function ActionForm({ action, children, testId }: { action: Action; children: ReactNode; testId?: string }) {
  const [state, formAction, pending] = useActionState(action, { error: null, message: null });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget, (event.nativeEvent as SubmitEvent).submitter);
    startTransition(() => formAction(data));
  };
  return (
    <form onSubmit={submit} className="inline" data-testid={testId} aria-busy={pending}>
      {children}
      {state.error ? <div className="notice error form-answer">{state.error}</div> : null}
      {state.message ? <div className="notice ok form-answer">{state.message}</div> : null}
      {state.preview ? (
        <div className="notice preview form-answer" data-testid="rule-preview">
          <strong>Preview: nothing has changed yet.</strong>
          <ul>
            {state.preview.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
          <button type="submit" name="intent" value="apply" disabled={pending}>
            Apply to history
          </button>
        </div>
      ) : null}
    </form>
  );
}
