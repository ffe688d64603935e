/**
 * The periodic sync, running in the server process (started from instrumentation.ts, as the
 * waste recompute job runs in it too): every TRH_BILLING_SYNC_MINUTES (default 60; 0 turns it
 * off) each team's sources pull the last few days again, because providers fill in a day for a
 * while after it ends. One source failing is recorded on that source and does not stop the others.
 */

import { addDays, todayUtc } from "@/lib/days";
import { db } from "@/lib/db/client";
import { syncBillingSource } from "./sync-billing-source";

/** Days pulled on each periodic sync, today included. */
export const PERIODIC_SYNC_DAYS = 3;

export function billingSyncIntervalMinutes(): number {
  const configured = Number(process.env.TRH_BILLING_SYNC_MINUTES ?? "60");
  return Number.isFinite(configured) && configured >= 0 ? configured : 60;
}

/** One round: every source of every team, the last PERIODIC_SYNC_DAYS days. Returns how many worked. */
export async function syncAllBillingSources(now = new Date()): Promise<{ ok: number; failed: number }> {
  const to = todayUtc(now);
  const range = { from: addDays(to, -(PERIODIC_SYNC_DAYS - 1)), to };
  const sources = await db().billingSource.findMany({ select: { teamId: true, id: true } });
  let ok = 0;
  for (const source of sources) {
    // Failures are already stored on the source by syncBillingSource.
    ok += await syncBillingSource({ teamId: source.teamId }, source.id, range).then(
      () => 1,
      () => 0,
    );
  }
  return { ok, failed: sources.length - ok };
}

const globalForSchedule = globalThis as typeof globalThis & { trhBillingSchedule?: NodeJS.Timeout };

/** Starts the hourly round once per process (a second call does nothing). */
export function startBillingSyncSchedule(): void {
  const minutes = billingSyncIntervalMinutes();
  if (minutes === 0 || globalForSchedule.trhBillingSchedule) return;
  const run = () =>
    void syncAllBillingSources().catch((error: unknown) => console.error(`billing sync: ${(error as Error).message}`));
  globalForSchedule.trhBillingSchedule = setInterval(run, minutes * 60_000);
  globalForSchedule.trhBillingSchedule.unref();
}
