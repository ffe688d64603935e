"use server";

import { revalidatePath } from "next/cache";
import { pageScope } from "@/lib/auth/scope";
import { startRecomputeJob } from "@/lib/waste/recompute-job";

/** Admins recompute every run's findings and context packages (a price change re-prices its own runs, a changed outcome updates its runs' finding). */
export async function recomputeFindingsAction(): Promise<void> {
  const scope = await pageScope("findings:recompute");
  await startRecomputeJob(scope.teamId);
  revalidatePath("/waste");
}
