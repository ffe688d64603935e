/**
 * PGlite has no cross-process lock: a second process opening the same data directory would
 * silently corrupt it. The process that owns the embedded database (the server, or one CLI
 * command) writes its pid into a lock file; others refuse to open the directory while that pid
 * is alive, and take over a lock left by a process that died.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { dataDir } from "./config";

export class EmbeddedDatabaseBusyError extends Error {
  constructor(readonly ownerPid: number) {
    super(
      `the embedded database in ${dataDir()} is in use by the running server (pid ${ownerPid}); ` +
        "send data with `trh push --url http://localhost:3000 --key <api key>` or the Ingest page, or stop the server first",
    );
  }
}

function lockPath(): string {
  return path.join(dataDir(), "embedded.lock");
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * The pid holding the lock, or null when it is free, its holder has died, or the holder is this
 * process or the `npm start` parent that launched it (TRH_EMBEDDED_LOCK_PID).
 */
export function embeddedLockHolder(): number | null {
  let pid: number;
  try {
    pid = Number.parseInt(readFileSync(lockPath(), "utf8"), 10);
  } catch {
    return null;
  }
  const ours = [process.pid, Number(process.env.TRH_EMBEDDED_LOCK_PID)];
  return Number.isInteger(pid) && !ours.includes(pid) && isAlive(pid) ? pid : null;
}

/**
 * Takes the lock for `pid` (default: this process). Throws EmbeddedDatabaseBusyError when another
 * live process holds it. Returns the function that releases it.
 */
export function acquireEmbeddedLock(pid: number = process.pid): () => void {
  const holder = embeddedLockHolder();
  if (holder !== null) throw new EmbeddedDatabaseBusyError(holder);
  mkdirSync(dataDir(), { recursive: true });
  writeFileSync(lockPath(), String(pid));
  return () => {
    try {
      if (readFileSync(lockPath(), "utf8") === String(pid)) rmSync(lockPath());
    } catch {
      // already gone
    }
  };
}
