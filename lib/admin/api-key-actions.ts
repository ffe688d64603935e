"use server";

import { revalidatePath } from "next/cache";
import { ZodError } from "zod";
import { createApiKey, revokeApiKey } from "@/lib/admin/api-keys";
import { pageScope } from "@/lib/auth/scope";

export interface ApiKeyFormState {
  error: string | null;
  /** The new key, shown once. */
  key: string | null;
}

export async function createApiKeyAction(_state: ApiKeyFormState, form: FormData): Promise<ApiKeyFormState> {
  const scope = await pageScope("keys:manage");
  try {
    const { key } = await createApiKey(
      scope,
      { name: String(form.get("name") ?? ""), scope: String(form.get("scope") ?? "") as "all" },
      scope.actor.userId,
    );
    revalidatePath("/settings/api-keys");
    return { error: null, key };
  } catch (error) {
    if (error instanceof ZodError)
      return { error: error.issues.map((issue) => `Enter ${issue.message}.`).join(" "), key: null };
    throw error;
  }
}

export async function revokeApiKeyAction(form: FormData): Promise<void> {
  const scope = await pageScope("keys:manage");
  await revokeApiKey(scope, String(form.get("id") ?? ""), scope.actor.userId);
  revalidatePath("/settings/api-keys");
}
