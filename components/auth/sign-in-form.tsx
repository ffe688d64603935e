"use client";

import { useActionState } from "react";
import { type SignInState, signInAction } from "@/lib/auth/sign-in-actions";

export function SignInForm({ callbackUrl }: { callbackUrl: string }) {
  const [state, action, pending] = useActionState<SignInState, FormData>(signInAction, { error: null });
  return (
    <form action={action}>
      {state.error ? (
        <div className="notice error" data-testid="signin-error">
          {state.error}
        </div>
      ) : null}
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      <label>
        Email
        {/* biome-ignore lint/a11y/noAutofocus: the sign-in page has one purpose; the email field is where every visitor starts */}
        <input name="email" type="email" autoComplete="username" required autoFocus />
      </label>
      <label>
        Password
        <input name="password" type="password" autoComplete="current-password" required />
      </label>
      <button type="submit" disabled={pending}>
        {pending ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
