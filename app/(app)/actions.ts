"use server";

import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { signOut } from "@/lib/auth/auth";
import { pageScope, teamCookie } from "@/lib/auth/scope";

export async function switchTeamAction(form: FormData) {
  const scope = await pageScope();
  const teamId = String(form.get("teamId") ?? "");
  // Only a team the user belongs to; anything else is ignored.
  if (scope.teams.some((team) => team.id === teamId)) {
    (await cookies()).set(teamCookie, teamId, { httpOnly: true, sameSite: "lax", path: "/", secure: process.env.AUTH_URL?.startsWith("https:") });
  }
  redirect("/");
}

export async function signOutAction() {
  await signOut({ redirectTo: "/signin" });
}
