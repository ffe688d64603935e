/**
 * The team's write lock, held to the end of the transaction that takes it. Everything that writes
 * calls or changes what they add up to takes it: the ingest writer's chunks and its last
 * transaction, re-pricing, re-attribution and ownership changes, rollup rebuilds and retention.
 * Overlapping uploads then see each other's calls and never both insert, or both count, the same
 * call, nor both miss a /btw copy's original; and no rollup is rebuilt from half a chunk.
 */
import type { SqlClient } from "./columns";

export async function lockTeamWrites(tx: SqlClient, teamId: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${teamId}))`;
}
