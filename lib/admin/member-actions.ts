"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { ZodError } from "zod";
import {
  addOrInviteMember,
  cancelInvitation,
  changeRole,
  LastAdminError,
  MemberExistsError,
  PasswordNeededError,
  roleSchema,
} from "@/lib/admin/members";
import { pageScope } from "@/lib/auth/scope";

export interface MemberFormState {
  error: string | null;
  done: { outcome: "created" | "invited"; email: string } | null;
}

export async function addMemberAction(_state: MemberFormState, form: FormData): Promise<MemberFormState> {
  const scope = await pageScope("members:manage");
  let done: MemberFormState["done"];
  try {
    const password = String(form.get("password") ?? "");
    done = await addOrInviteMember(
      scope,
      {
        email: String(form.get("email") ?? ""),
        password: password === "" ? undefined : password,
        role: String(form.get("role") ?? ""),
      },
      scope.actor.userId,
    );
  } catch (error) {
    if (error instanceof ZodError)
      return { error: error.issues.map((issue) => `Enter ${issue.message}.`).join(" "), done: null };
    if (error instanceof MemberExistsError || error instanceof PasswordNeededError)
      return { error: error.message, done: null };
    throw error;
  }
  revalidatePath("/settings/members");
  return { error: null, done };
}

export async function cancelInvitationAction(form: FormData): Promise<void> {
  const scope = await pageScope("members:manage");
  await cancelInvitation(scope, String(form.get("invitationId") ?? ""), scope.actor.userId);
  revalidatePath("/settings/members");
}

export async function changeRoleAction(form: FormData): Promise<void> {
  const scope = await pageScope("members:manage");
  try {
    await changeRole(scope, String(form.get("userId") ?? ""), roleSchema.parse(form.get("role")), scope.actor.userId);
  } catch (error) {
    if (error instanceof LastAdminError) redirect("/settings/members?error=last-admin");
    throw error;
  }
  revalidatePath("/settings/members");
}
