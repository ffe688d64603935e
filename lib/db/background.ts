/**
 * Database work that runs after the request that started it has answered (the server's queued
 * after-commit work, lib/ingest/after-commit-queue.ts). closeDb waits for it: closing the client
 * under it would fail it half way, or let it open a new client on whatever database comes next
 * (a test file that moves from Postgres to the embedded database).
 */
const globalForBackground = globalThis as unknown as { trhBackgroundWork?: Set<Promise<void>> };
globalForBackground.trhBackgroundWork ??= new Set();
const running = globalForBackground.trhBackgroundWork;

/** Notes `work` (which must never reject) until it ends. */
export function trackBackground(work: Promise<void>): void {
  running.add(work);
  void work.finally(() => running.delete(work));
}

/** Resolves once every tracked piece of work, and any it started meanwhile, has ended. */
export async function backgroundSettled(): Promise<void> {
  while (running.size > 0) await Promise.all(running);
}
