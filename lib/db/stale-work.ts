/**
 * Work the server does in the background and records in a row while it runs (an ingest batch, a
 * findings recompute job) can die with its process. One rule says when such a row is taken to be
 * dead: nothing was heard from it for STALE_WORK_AFTER_MS. Ingest batches renew a heartbeat every
 * HEARTBEAT_EVERY_MS while they read and with every chunk they write, so the margin is wide.
 */
export const STALE_WORK_AFTER_MS = 30 * 60_000;
export const HEARTBEAT_EVERY_MS = 60_000;
