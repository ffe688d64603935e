/**
 * Many rows as ONE query parameter: a JSON array that Postgres expands with json_to_recordset.
 * Sending a column array per field made Prisma and pg serialize every element in JavaScript (a
 * third of `trh import`'s time); JSON.stringify is native and Postgres parses JSON fast. Object
 * keys must match the column names of `shape`, e.g. `t(run uuid, tokens int)`.
 */
import { Prisma } from "@/lib/generated/prisma/client";

export function jsonRows(rows: readonly object[], shape: string): Prisma.Sql {
  return Prisma.sql`json_to_recordset(${JSON.stringify(rows)}::json) AS ${Prisma.raw(shape)}`;
}
