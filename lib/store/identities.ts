/**
 * The Identity table: who a trace says did the work (lib/ingest/identities.ts decides which),
 * one row per (team, kind, value), its lastSeenAt renewed whenever a run names it again.
 */

import { type RowOf, type SqlClient, tableColumns } from "@/lib/db/columns";
import { table } from "@/lib/db/tables";
import { Prisma } from "@/lib/generated/prisma/client";
import type { IdentityModel } from "@/lib/generated/prisma/models/Identity";

const IdentityTable = table("Identity");
const i = table("Identity", "i");

const identityValueColumns = tableColumns<IdentityModel>()({ kind: "text", value: "text" });
const storedIdentityColumns = tableColumns<IdentityModel>()({ id: "uuid", kind: "text", value: "text" });
export type StoredIdentity = RowOf<typeof storedIdentityColumns>;

/** Stores these identities (or renews them) and returns their ids. */
export async function upsertIdentities(
  tx: SqlClient,
  teamId: string,
  identities: RowOf<typeof identityValueColumns>[],
): Promise<StoredIdentity[]> {
  if (identities.length === 0) return [];
  return storedIdentityColumns.read(
    tx,
    Prisma.sql`
    INSERT INTO ${i.$} (${IdentityTable.teamId}, ${identityValueColumns.names()})
    SELECT ${teamId}::uuid, t.* FROM ${identityValueColumns.from(identities, "t")}
    ON CONFLICT (${IdentityTable.teamId}, ${IdentityTable.kind}, ${IdentityTable.value}) DO UPDATE SET ${IdentityTable.lastSeenAt} = now()
    RETURNING ${storedIdentityColumns.select("i")}`,
  );
}
