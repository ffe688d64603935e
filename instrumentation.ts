/** Runs once when the Next.js server starts: background schedules that live in the server process. */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startBudgetScheduler } = await import("@/lib/budgets/scheduler");
  const { startBillingSyncSchedule } = await import("@/lib/billing/sync-schedule");
  const { startRetentionSchedule } = await import("@/lib/retention/raw-calls");
  startBudgetScheduler();
  startBillingSyncSchedule();
  startRetentionSchedule();
  // Findings left unfinished by a stop between a batch's commit and its queued pass.
  const { resumeInterruptedAfterCommit } = await import("@/lib/ingest/after-commit-queue");
  void resumeInterruptedAfterCommit().catch((error: unknown) =>
    console.error(`resuming after-commit work: ${(error as Error).message}`),
  );
}
