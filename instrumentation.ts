/** Next.js calls register() once when the server starts: background work of the server process. */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startBillingSyncSchedule } = await import("@/lib/billing/sync-schedule");
  startBillingSyncSchedule();
}
