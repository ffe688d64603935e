"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { pageScope } from "@/lib/auth/scope";
import { applyRawCallRetention, retentionDaysSchema, setRawCallRetention } from "./raw-calls";

/** Empty: keep raw calls forever; otherwise whole days (retentionDaysSchema). */
export async function setRetentionAction(form: FormData): Promise<void> {
  const scope = await pageScope("settings:manage");
  const raw = String(form.get("days") ?? "").trim();
  const days = raw === "" ? null : retentionDaysSchema.safeParse(raw);
  if (days !== null && !days.success) {
    redirect(
      `/settings/retention?error=${encodeURIComponent(days.error.issues[0]?.message ?? "not a number of days")}`,
    );
  }
  await setRawCallRetention(scope.teamId, days === null ? null : days.data);
  // A new limit applies at once, in the background (a large backlog takes a while), then hourly.
  void applyRawCallRetention(scope.teamId).catch((error: unknown) =>
    console.error(`raw-call retention: ${(error as Error).message}`),
  );
  revalidatePath("/settings/retention");
  redirect("/settings/retention?saved=1");
}
