/**
 * The bulk write path: a Prisma interactive transaction whose connection is also at hand, raw.
 * `bulkTransaction` opens one transaction (the caller's unit of all-or-nothing) and hands the
 * work both Prisma's transaction client (for the model API) and a `BulkConnection` on the same
 * connection, which
 * - stages rows: streams them with COPY into a temporary table (`stage`), which the statements
 *   then merge into the real tables with set-based SQL (INSERT ... SELECT ... ON CONFLICT): rows
 *   never travel as statement parameters;
 * - runs raw SQL itself (`$queryRaw`, `$executeRaw`, the same Prisma.Sql templates): Prisma's
 *   client compiles every raw statement anew in its WebAssembly query compiler, several
 *   milliseconds each, which a chunk's twenty statements paid on every chunk.
 *
 * On Postgres rows go through pg-copy-streams (`COPY ... FROM STDIN`) on the transaction's
 * PoolClient; on the embedded database through PGlite's `COPY ... FROM '/dev/blob'` with the rows
 * as the query's blob, in the transaction PGlite runs Prisma's in. A staging table's columns are
 * a record set's (lib/db/columns.ts), so a schema rename still fails the type check.
 *
 * Values come back as the driver gives them (pg: bigint and numeric as strings; PGlite alike with
 * the text casts `Shape.select` writes): read typed rows through `Shape.read`.
 */
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { from as copyFrom } from "pg-copy-streams";
import { Prisma } from "@/lib/generated/prisma/client";
import { db } from "./client";
import type { Columns, RowOf, Shape, SqlClient } from "./columns";
import { type RawConnection, withTransactionConnection } from "./transaction-connection";

/** Raw SQL and COPY on the connection of the current bulk transaction. */
export class BulkConnection implements SqlClient {
  private readonly staged = new Set<string>();

  constructor(private readonly connection: RawConnection) {}

  async $queryRaw<T = unknown>(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]): Promise<T> {
    return (await this.run(query, values)).rows as T;
  }

  async $executeRaw(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]): Promise<number> {
    return (await this.run(query, values)).affected;
  }

  private async run(
    query: TemplateStringsArray | Prisma.Sql,
    values: unknown[],
  ): Promise<{ rows: unknown[]; affected: number }> {
    const sql = query instanceof Prisma.Sql ? query : Prisma.sql(query, ...(values as Prisma.Sql[]));
    if (this.connection.kind === "postgres") {
      const result = await this.connection.client.query(sql.text, sql.values);
      return { rows: result.rows, affected: result.rowCount ?? 0 };
    }
    const result = await this.connection.tx.query(sql.text, sql.values);
    return { rows: result.rows, affected: result.affectedRows ?? 0 };
  }

  /**
   * Copies `rows` into the connection's temporary table for `shape` (columns in its order, so
   * `t.*` expands as `shape.names()` lists them) and returns it as a FROM item named `alias`.
   * The table is created once per connection and emptied at every commit (ON COMMIT DELETE ROWS):
   * creating one per chunk would write the catalog at every small request. Its name is a hash of
   * the shape's columns, so a changed shape never meets an older table.
   */
  async stage<C extends Columns>(
    shape: Shape<C>,
    rows: readonly RowOf<Shape<C>>[],
    alias: string,
  ): Promise<Prisma.Sql> {
    const definitions = shape.definitions();
    const table = `trh_stage_${createHash("sha1").update(definitions).digest("hex").slice(0, 16)}`;
    await this.$executeRaw(
      Prisma.raw(
        this.staged.has(table)
          ? `DELETE FROM ${table}`
          : `CREATE TEMPORARY TABLE IF NOT EXISTS ${table} (${definitions}) ON COMMIT DELETE ROWS`,
      ),
    );
    this.staged.add(table);
    if (rows.length > 0) await this.copy(table, shape.copyText(rows));
    return Prisma.raw(`${table} AS ${alias}`);
  }

  private async copy(table: string, text: string): Promise<void> {
    if (this.connection.kind === "postgres") {
      await pipeline(
        Readable.from([Buffer.from(text)]),
        this.connection.client.query(copyFrom(`COPY ${table} FROM STDIN`)),
      );
    } else {
      await this.connection.tx.query(`COPY ${table} FROM '/dev/blob'`, [], { blob: new Blob([text]) });
    }
  }
}

/**
 * One transaction with its raw connection at hand; Prisma's `tx` and `bulk` share it, so what one
 * writes the other sees, and everything commits or rolls back together.
 */
export function bulkTransaction<T>(
  work: (tx: Prisma.TransactionClient, bulk: BulkConnection) => Promise<T>,
  options: { timeout: number; maxWait: number },
): Promise<T> {
  return withTransactionConnection((connection) =>
    db().$transaction(async (tx) => {
      const raw = connection();
      if (raw.kind === "postgres") await sameBackend(tx, raw.client);
      return work(tx, new BulkConnection(raw));
    }, options),
  );
}

/** A statement outside the transaction would commit on its own: make sure the connection is the transaction's. */
async function sameBackend(
  tx: Prisma.TransactionClient,
  client: Extract<RawConnection, { kind: "postgres" }>["client"],
): Promise<void> {
  const [viaPrisma] = await tx.$queryRaw<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`;
  const viaClient = await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
  if (viaPrisma?.pid !== viaClient.rows[0]?.pid)
    throw new Error("bulk write: the noted connection is not the transaction's");
}
