"use server";

import { revalidatePath } from "next/cache";
import { ZodError } from "zod";
import { redirect } from "next/navigation";
import { addMember, changeRole, LastAdminError, MemberExistsError, roleSchema } from "@/lib/admin/members";
import { pageScope } from "@/lib/auth/scope";

export interface MemberFormState {
  error: string | null;
  added: string | null;
}

export async function addMemberAction(_state: MemberFormState, form: FormData): Promise<MemberFormState> {
  const scope = await pageScope("members:manage");
  try {
    await addMember(
      scope.teamId,
      { email: String(form.get("email") ?? ""), password: String(form.get("password") ?? ""), role: String(form.get("role") ?? "") },
      scope.actor.userId,
    );
  } catch (error) {
    if (error instanceof ZodError) return { error: error.issues.map((issue) => `Enter ${issue.message}.`).join(" "), added: null };
    if (error instanceof MemberExistsError) return { error: error.message, added: null };
    throw error;
  }
  revalidatePath("/settings/members");
  return { error: null, added: String(form.get("email")).trim().toLowerCase() };
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
