"use server";

import { AuthError } from "next-auth";
import { signIn } from "@/lib/auth/auth";

export interface SignInState {
  error: string | null;
}

/** Only same-site paths may be a destination after sign-in. */
function safeDestination(value: FormDataEntryValue | null): string {
  const path = typeof value === "string" ? value : "/";
  return path.startsWith("/") && !path.startsWith("//") ? path : "/";
}

export async function signInAction(_state: SignInState, form: FormData): Promise<SignInState> {
  try {
    await signIn("credentials", {
      email: form.get("email"),
      password: form.get("password"),
      redirectTo: safeDestination(form.get("callbackUrl")),
    });
    return { error: null };
  } catch (error) {
    if (error instanceof AuthError) {
      const code = (error as AuthError & { code?: string }).code;
      return {
        error:
          code === "too_many_attempts"
            ? "Too many failed attempts. Wait 15 minutes and try again."
            : "That email and password do not match.",
      };
    }
    throw error; // the redirect after a successful sign-in
  }
}
