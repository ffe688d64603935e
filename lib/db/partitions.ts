/**
 * Monthly partitions of the raw tables. Call and ToolCall are partitioned by range of `timestamp`,
 * one partition per UTC month named `<table>_pYYYYMM` (the migration that made them partitioned
 * says why; Prisma does not model partitions). A row whose month has no partition cannot be
 * stored, so partitions are made:
 * - ahead, by the server's partition job (the current month and the next PARTITIONS_AHEAD), and
 * - on demand, by the ingest writer for the months of the chunk it is about to write (an old trace
 *   imported today), inside the chunk's transaction before it writes a row.
 * A partition is created as a plain table and then attached: ATTACH takes a SHARE UPDATE
 * EXCLUSIVE lock on the parent, which reads and writes of other teams do not wait for (CREATE
 * TABLE ... PARTITION OF would take ACCESS EXCLUSIVE until the chunk commits). Retention drops
 * whole months (lib/retention/raw-calls.ts).
 */
import { Prisma } from "@/lib/generated/prisma/client";
import type { SqlClient } from "./columns";

/** The partitioned tables: every raw per-call row. */
export const PARTITIONED_TABLES = ["Call", "ToolCall"] as const;
export type PartitionedTable = (typeof PARTITIONED_TABLES)[number];

/** Months made ahead of the current one: a stalled job still leaves the writer months in hand. */
export const PARTITIONS_AHEAD = 2;

/** Partition DDL of every process is serialized on this advisory lock (create, attach, drop). */
export const PARTITION_LOCK = Prisma.sql`SELECT pg_advisory_xact_lock(hashtext('trh:partitions'))`;

/** A UTC month as YYYYMM, the partitions' suffix. */
export function monthOf(time: Date): string {
  return `${time.getUTCFullYear().toString().padStart(4, "0")}${(time.getUTCMonth() + 1).toString().padStart(2, "0")}`;
}

/** The first instant of a YYYYMM month, and of the month `add` months later. */
export function monthStart(month: string, add = 0): Date {
  return new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(4, 6)) - 1 + add, 1));
}

export function partitionName(table: PartitionedTable, month: string): string {
  if (!/^\d{6}$/.test(month)) throw new Error(`not a YYYYMM month: ${month}`);
  return `${table}_p${month}`;
}

/** The months that have a partition of every partitioned table, oldest first. */
export async function partitionedMonths(client: SqlClient): Promise<string[]> {
  const rows = await client.$queryRaw<{ month: string }[]>`
    SELECT substr(c.relname, length(p.relname) + 3) AS month
    FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
    WHERE p.relname = ANY(${[...PARTITIONED_TABLES]}::text[]) AND p.relnamespace = 'public'::regnamespace
    GROUP BY 1 HAVING count(*) = ${PARTITIONED_TABLES.length} ORDER BY 1`;
  return rows.map((row) => row.month);
}

/**
 * Makes sure every partitioned table has a partition for the month of each of these times. Costs
 * one catalog look-up when they all exist; otherwise takes PARTITION_LOCK (held until the
 * caller's transaction ends) and creates what is still missing.
 */
export async function ensureMonthPartitions(client: SqlClient, times: Iterable<Date>): Promise<string[]> {
  const months = [...new Set([...times].filter((t) => !Number.isNaN(t.getTime())).map(monthOf))].sort();
  if (months.length === 0) return [];
  const missing = async () =>
    (
      await client.$queryRaw<{ month: string }[]>`
        SELECT m AS month FROM unnest(${months}::text[]) m
        WHERE ${Prisma.join(
          PARTITIONED_TABLES.map((table) => Prisma.sql`to_regclass(format('%I', ${`${table}_p`}::text || m)) IS NULL`),
          " OR ",
        )}
        ORDER BY m`
    ).map((row) => row.month);
  if ((await missing()).length === 0) return [];
  await client.$executeRaw(PARTITION_LOCK);
  const created = await missing(); // another process may have made them while we waited
  for (const month of created) {
    for (const table of PARTITIONED_TABLES) {
      const name = partitionName(table, month);
      const exists = await client.$queryRaw<
        { found: boolean }[]
      >`SELECT to_regclass(format('%I', ${name}::text)) IS NOT NULL AS found`;
      if (exists[0]?.found) continue;
      await client.$executeRaw(Prisma.raw(`CREATE TABLE "${name}" (LIKE "${table}")`));
      await client.$executeRaw(
        Prisma.raw(
          `ALTER TABLE "${table}" ATTACH PARTITION "${name}" FOR VALUES FROM ('${monthStart(month).toISOString()}') TO ('${monthStart(month, 1).toISOString()}')`,
        ),
      );
    }
  }
  return created;
}

/** The current month and the next PARTITIONS_AHEAD: what the partition job keeps made. */
export function monthsAhead(now = new Date()): Date[] {
  const current = monthOf(now);
  return Array.from({ length: PARTITIONS_AHEAD + 1 }, (_, i) => monthStart(current, i));
}
