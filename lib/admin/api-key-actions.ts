"use server";

import { revalidatePath } from "next/cache";
import { ZodError, z } from "zod";
import { createApiKey, createOwnPushKey, revokeApiKey } from "@/lib/admin/api-keys";
import { may } from "@/lib/auth/policy";
import { pageScope } from "@/lib/auth/scope";

export interface ApiKeyFormState {
  error: string | null;
  /** The new key, shown once. */
  key: string | null;
}

/** Admins choose the scope; anyone else gets a push key of their own. */
export async function createApiKeyAction(_state: ApiKeyFormState, form: FormData): Promise<ApiKeyFormState> {
  const scope = await pageScope("keys:own");
  const name = String(form.get("name") ?? "");
  try {
    const { key } = may(scope, "keys:manage")
      ? await createApiKey(scope, { name, scope: String(form.get("scope") ?? "") as "all" }, scope.actor.userId)
      : await createOwnPushKey(scope, name);
    revalidatePath("/settings/api-keys");
    return { error: null, key };
  } catch (error) {
    if (error instanceof ZodError)
      return { error: error.issues.map((issue) => `Enter ${issue.message}.`).join(" "), key: null };
    throw error;
  }
}

export async function revokeApiKeyAction(form: FormData): Promise<void> {
  const scope = await pageScope("keys:own");
  const id = z.uuid().safeParse(form.get("id"));
  if (!id.success) return;
  const onlyOwn = may(scope, "keys:manage") ? undefined : scope.actor.userId;
  await revokeApiKey(scope, id.data, scope.actor.userId, onlyOwn);
  revalidatePath("/settings/api-keys");
}
