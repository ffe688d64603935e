/**
 * The one Prisma client of a process, on the database config.ts chooses: @prisma/adapter-pg for a
 * Postgres server, pglite-prisma-adapter for the embedded database. Everything else imports `db()`
 * and never builds its own client.
 */
import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { databaseUrl, pgliteDir } from "./config";
import { EmbeddedDatabaseBusyError, embeddedLockHolder } from "./embedded-lock";

export type Database = PrismaClient;

interface OpenDatabase {
  client: PrismaClient;
  /** Closes the connection pool or the embedded database. */
  close: () => Promise<void>;
}

const globalForDb = globalThis as typeof globalThis & { trhDatabase?: OpenDatabase };

export function openDatabase(url: string | undefined = databaseUrl()): OpenDatabase {
  if (url) {
    const client = new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max: 10 }) });
    return { client, close: () => client.$disconnect() };
  }
  const holder = embeddedLockHolder();
  if (holder !== null) throw new EmbeddedDatabaseBusyError(holder);
  mkdirSync(pgliteDir(), { recursive: true });
  const pglite = new PGlite(pgliteDir());
  const client = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
  return {
    client,
    close: async () => {
      await client.$disconnect();
      // $disconnect leaves PGlite open (and the process alive for seconds); close it ourselves.
      await pglite.close();
    },
  };
}

/** The process-wide client, opened on first use. */
export function db(): PrismaClient {
  globalForDb.trhDatabase ??= openDatabase();
  return globalForDb.trhDatabase.client;
}

export async function closeDb(): Promise<void> {
  const open = globalForDb.trhDatabase;
  globalForDb.trhDatabase = undefined;
  await open?.close();
}
