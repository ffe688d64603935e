/**
 * How a CLI command gets the database: the embedded one only when no server holds it (else a
 * one-line refusal pointing to `trh push`), migrations applied first, everything closed after.
 */
import { closeDb, type Database, db } from "@/lib/db/client";
import { databaseKind } from "@/lib/db/config";
import { acquireEmbeddedLock, EmbeddedDatabaseBusyError } from "@/lib/db/embedded-lock";
import { applyMigrations } from "@/lib/db/migrate";
import { CommandError } from "./errors";

export async function withDatabase<T>(work: (database: Database) => Promise<T>): Promise<T> {
  let release = () => {};
  if (databaseKind() === "embedded") {
    try {
      release = acquireEmbeddedLock();
    } catch (error) {
      if (error instanceof EmbeddedDatabaseBusyError) throw new CommandError(error.message);
      throw error;
    }
  }
  try {
    await applyMigrations();
    return await work(db());
  } finally {
    await closeDb();
    release();
  }
}
