"use server";

import { revalidatePath } from "next/cache";
import { pageScope } from "@/lib/auth/scope";
import { startRecomputeJob } from "@/lib/waste/recompute-job";

/** Admins recompute the team's findings after prices changed (a changed outcome updates its runs' finding on its own). */
export async function recomputeFindingsAction(): Promise<void> {
  const scope = await pageScope("prices:manage");
  await startRecomputeJob(scope.teamId);
  revalidatePath("/waste");
}
