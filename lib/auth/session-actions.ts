"use server";

import { redirect } from "next/navigation";
import { signOut } from "@/lib/auth/auth";
import { chooseTeam, pageScope } from "@/lib/auth/scope";

export async function switchTeamAction(form: FormData) {
  const scope = await pageScope();
  const teamId = String(form.get("teamId") ?? "");
  // Only a team the user belongs to; anything else is ignored.
  if (scope.teams.some((team) => team.id === teamId)) {
    await chooseTeam(teamId);
  }
  redirect("/");
}

export async function signOutAction() {
  await signOut({ redirectTo: "/signin" });
}
