/**
 * The Prisma clients of a process, on the database config.ts chooses: @prisma/adapter-pg for a
 * Postgres server, pglite-prisma-adapter for the embedded database. `db()` is the primary: every
 * write, and every read that must see what was just written (settings pages after a change, ingest
 * progress, authorization). `readDb()` is where dashboards and read APIs opt in to a read replica
 * (DATABASE_READ_URL), which may lag the primary by its replay delay; without one it is `db()`.
 * Nothing else builds its own client. Both are built so that a transaction's raw connection can be
 * reached for COPY (lib/db/transaction-connection.ts, lib/db/bulk.ts).
 */
import { mkdirSync } from "node:fs";
import { type ExecProtocolOptions, PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { backgroundSettled } from "./background";
import { databaseReadUrl, databaseUrl, EMBEDDED_SETTINGS, pgliteDir } from "./config";
import { EmbeddedDatabaseBusyError, embeddedLockHolder } from "./embedded-lock";
import { ConnectionNotingPGlite, ConnectionNotingPool } from "./transaction-connection";

export type Database = PrismaClient;

/**
 * PGlite runs each statement on this thread and its promise resolves at once, so a chain of
 * statements (a group commit's write, an after-commit pass) ran as one run of microtasks: no
 * socket was read or written until it ended, not even the answers of requests already done
 * (bench:otlp: one body a batch, none of the other exporters' requests read during a write).
 * Each statement first lets the event loop turn once, as a database server's round trip does.
 */
class TurnTakingPGlite extends ConnectionNotingPGlite {
  override async execProtocolRaw(message: Uint8Array, options?: ExecProtocolOptions): Promise<Uint8Array> {
    await new Promise((resolve) => setImmediate(resolve));
    return super.execProtocolRaw(message, options);
  }
}

interface OpenDatabase {
  client: PrismaClient;
  /** Closes the connection pool or the embedded database. */
  close: () => Promise<void>;
}

const globalForDb = globalThis as typeof globalThis & { trhDatabase?: OpenDatabase; trhReadDatabase?: OpenDatabase };

export function openDatabase(url: string | undefined = databaseUrl()): OpenDatabase {
  if (url) {
    // Our own pool, so a transaction's connection can be reached for COPY (transaction-connection.ts).
    // No JIT: every statement here is meant to take milliseconds (pages read rollups, the writer
    // merges one chunk), but the planner's row guesses for JSON expansions pass jit_above_cost, and
    // compiling then took 100-250 ms of a 5 ms query (the Compare workflows page's instruction-file
    // versions). Set on each new connection, not as a startup option, which poolers such as
    // PgBouncer refuse.
    const pool = new ConnectionNotingPool({
      connectionString: url,
      max: 10,
      onConnect: async (connection) => {
        await connection.query("SET jit = off");
      },
    });
    const client = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
    return { client, close: () => client.$disconnect() };
  }
  const holder = embeddedLockHolder();
  if (holder !== null) throw new EmbeddedDatabaseBusyError(holder);
  mkdirSync(pgliteDir(), { recursive: true });
  const pglite = new TurnTakingPGlite(pgliteDir(), {
    startParams: [...PGlite.defaultStartParams, ...EMBEDDED_SETTINGS],
  });
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

/** The primary, opened on first use. */
export function db(): PrismaClient {
  globalForDb.trhDatabase ??= openDatabase();
  return globalForDb.trhDatabase.client;
}

/** The read replica when DATABASE_READ_URL is set, otherwise the primary. */
export function readDb(): PrismaClient {
  const url = databaseReadUrl();
  if (url === undefined) return db();
  globalForDb.trhReadDatabase ??= openDatabase(url);
  return globalForDb.trhReadDatabase.client;
}

export async function closeDb(): Promise<void> {
  await backgroundSettled();
  const open = [globalForDb.trhDatabase, globalForDb.trhReadDatabase];
  globalForDb.trhDatabase = undefined;
  globalForDb.trhReadDatabase = undefined;
  await Promise.all(open.map((database) => database?.close()));
}
