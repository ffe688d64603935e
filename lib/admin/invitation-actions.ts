"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { acceptInvitation, declineInvitation } from "@/lib/admin/members";
import { chooseTeam, sessionUserId } from "@/lib/auth/scope";

async function signedInUser(): Promise<string> {
  const userId = await sessionUserId();
  if (!userId) redirect("/signin?callbackUrl=%2Finvitations");
  return userId;
}

/** Joins the team with the role offered, and switches to it. */
export async function acceptInvitationAction(form: FormData): Promise<void> {
  const userId = await signedInUser();
  const { teamId } = await acceptInvitation(userId, String(form.get("invitationId") ?? ""));
  await chooseTeam(teamId);
  redirect("/");
}

export async function declineInvitationAction(form: FormData): Promise<void> {
  const userId = await signedInUser();
  await declineInvitation(userId, String(form.get("invitationId") ?? ""));
  revalidatePath("/invitations");
}
