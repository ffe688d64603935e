/**
 * The raw connection under a Prisma interactive transaction, for what Prisma cannot send: COPY
 * (lib/db/bulk.ts). Prisma's transaction client hides its connection, so the one client of a
 * process (client.ts) is built on a pool and a PGlite that note, in the async context that opens a
 * transaction inside `withTransactionConnection`, the connection they hand it: pg's Pool its
 * PoolClient (@prisma/adapter-pg's startTransaction takes one with `connect()`), PGlite its
 * transaction (pglite-prisma-adapter runs each Prisma transaction in `PGlite.transaction`).
 * AsyncLocalStorage keeps concurrent transactions (two uploads on one server) apart.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { PGlite, type Transaction as PGliteTransaction } from "@electric-sql/pglite";
import pg from "pg";

export type RawConnection = { kind: "postgres"; client: pg.PoolClient } | { kind: "embedded"; tx: PGliteTransaction };

interface Slot {
  connection: RawConnection | null;
}

// One per process, like the client itself (client.ts keeps it on globalThis): Next.js may load this
// module once per bundle (instrumentation, each route), and the pool noting a connection must look
// in the same storage as the bulk transaction that asks for it.
const globalForSlots = globalThis as typeof globalThis & { trhTransactionSlots?: AsyncLocalStorage<Slot> };
globalForSlots.trhTransactionSlots ??= new AsyncLocalStorage<Slot>();
const opening = globalForSlots.trhTransactionSlots;

/**
 * A pg Pool that notes the first client taken with the promise form of `connect()` in a slot's
 * context: the adapter's startTransaction. pg-pool's own `query()` takes clients with the callback
 * form, so queries outside the transaction are never mistaken for it.
 */
export class ConnectionNotingPool extends pg.Pool {
  override connect(): Promise<pg.PoolClient>;
  override connect(
    callback: (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void,
  ): void;
  override connect(
    callback?: (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void,
  ): Promise<pg.PoolClient> | undefined {
    if (callback) {
      super.connect(callback);
      return undefined;
    }
    const slot = opening.getStore();
    const connecting = super.connect();
    if (!slot || slot.connection !== null) return connecting;
    return connecting.then((client) => {
      slot.connection ??= { kind: "postgres", client };
      return client;
    });
  }
}

/** PGlite that notes, in a slot's context, the transaction it runs the Prisma transaction in. */
export class ConnectionNotingPGlite extends PGlite {
  override transaction<T>(callback: (tx: PGliteTransaction) => Promise<T>): Promise<T> {
    const slot = opening.getStore();
    return super.transaction((tx) => {
      if (slot) slot.connection ??= { kind: "embedded", tx };
      return callback(tx);
    });
  }
}

/**
 * Runs `open`, which opens exactly one Prisma interactive transaction; inside that transaction's
 * callback, `connection()` is its raw connection.
 */
export function withTransactionConnection<T>(open: (connection: () => RawConnection) => Promise<T>): Promise<T> {
  const slot: Slot = { connection: null };
  return opening.run(slot, () =>
    open(() => {
      if (slot.connection === null)
        throw new Error("the transaction's connection was not noted: is db() built on lib/db/transaction-connection?");
      return slot.connection;
    }),
  );
}
