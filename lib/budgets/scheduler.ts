/**
 * The budgets' schedule inside the server process (started from instrumentation.ts): every minute
 * it evaluates every team's budgets and sends due deliveries (new ones and retries). Ticks never
 * overlap; a failing tick is logged and the next one runs as usual.
 */
import { deliverDueAlerts } from "./deliver";
import { evaluateAllBudgets } from "./evaluate";

export const SCHEDULE_INTERVAL_MS = 60_000;

const globalForScheduler = globalThis as typeof globalThis & { trhBudgetScheduler?: NodeJS.Timeout };

export function startBudgetScheduler(): void {
  if (globalForScheduler.trhBudgetScheduler) return;
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      await evaluateAllBudgets();
      await deliverDueAlerts();
    } catch (error) {
      console.error("budget schedule failed:", error);
    } finally {
      running = false;
    }
  };
  globalForScheduler.trhBudgetScheduler = setInterval(() => void tick(), SCHEDULE_INTERVAL_MS);
  globalForScheduler.trhBudgetScheduler.unref();
  setTimeout(() => void tick(), 5_000).unref();
}
