/**
 * The Call table's SQL for the ingest writer: a call's identity is (team, source, callKey); the
 * writer locks the stored copies of a chunk's calls, inserts new ones, replaces a stored copy by
 * a more complete one, learns message ids stored before they were kept, and retracts /btw
 * sidechain copies (docs/FORMATS.md Claude Code rule 3).
 */

import type { BulkConnection } from "@/lib/db/bulk";
import { type RowOf, recordColumns, type SqlClient, tableColumns } from "@/lib/db/columns";
import { table } from "@/lib/db/tables";
import { Prisma } from "@/lib/generated/prisma/client";
import type { CallModel } from "@/lib/generated/prisma/models/Call";

const CallKeyTable = table("CallKey");
const k = table("CallKey", "k");

const CallTable = table("Call");
const c = table("Call", "c");

/** A call as written: every column but the team and batch, which the statement adds. */
export const callColumns = tableColumns<CallModel>()({
  runId: "uuid",
  source: "text",
  callKey: "text",
  agentId: "text?",
  isSidechain: "boolean",
  messageId: "text?",
  timestamp: "timestamptz",
  model: "text",
  uncachedInput: "int",
  cacheRead: "int",
  cacheWrite5m: "int",
  cacheWrite1h: "int",
  output: "int",
  reasoning: "int",
  contextTokens: "int",
  speed: "text",
  costUsd: "numeric",
  priced: "boolean",
  priceRule: "text",
  priceTier: "text?",
  isApiError: "boolean",
  requestId: "text?",
  stopReason: "text?",
});
export type CallRow = RowOf<typeof callColumns>;

/** A stored call as the writer compares, upgrades or retracts it. */
export const storedCallColumns = tableColumns<CallModel>()({
  id: "bigint",
  source: "text",
  callKey: "text",
  runId: "uuid",
  timestamp: "timestamptz",
  model: "text",
  messageId: "text?",
  costUsd: "numeric",
  uncachedInput: "int",
  cacheRead: "int",
  cacheWrite5m: "int",
  cacheWrite1h: "int",
  output: "int",
});
export type StoredCall = RowOf<typeof storedCallColumns>;

const identityColumns = storedCallColumns.pick("source", "callKey");
export type CallIdentity = RowOf<typeof identityColumns>;

/** The stored copies of these calls, locked until the transaction ends (found through CallKey). */
export async function lockStoredCalls(
  bulk: BulkConnection,
  teamId: string,
  identities: CallIdentity[],
): Promise<StoredCall[]> {
  if (identities.length === 0) return [];
  return storedCallColumns.read(
    bulk,
    Prisma.sql`
    SELECT ${storedCallColumns.select("c")}
    FROM ${await bulk.stage(identityColumns, identities, "s")}
    JOIN ${k.$} ON ${k.teamId} = ${teamId}::uuid AND ${k.source} = s.source AND ${k.callKey} = s."callKey"
    JOIN ${c.$} ON ${c.teamId} = ${teamId}::uuid AND ${c.id} = ${k.callId} AND ${c.timestamp} = ${k.timestamp}
    FOR UPDATE OF k, c`,
  );
}

const messageIdColumns = storedCallColumns.pick("messageId");

/** Which of these message ids the team holds as main-thread Claude Code calls. */
export async function storedMainThreadMessageIds(
  tx: SqlClient,
  teamId: string,
  messageIds: string[],
): Promise<string[]> {
  if (messageIds.length === 0) return [];
  const rows = await messageIdColumns.read(
    tx,
    Prisma.sql`
    SELECT DISTINCT ${messageIdColumns.select("c")} FROM ${c.$}
    WHERE ${c.teamId} = ${teamId}::uuid AND ${c.source} = 'claude-code' AND NOT ${c.isSidechain} AND ${c.messageId} = ANY(${messageIds}::text[])`,
  );
  return rows.flatMap((row) => (row.messageId === null ? [] : [row.messageId]));
}

/**
 * Inserts new calls and replaces stored copies (same identity) by these, staged with COPY. A
 * replaced copy is updated where it is stored, and moves to its new month's partition when its
 * time changes (an UPDATE moves a row between partitions; INSERT ... ON CONFLICT cannot, and has
 * no unique key across partitions to conflict on); its key follows. A new call gets its id with
 * its key, so a call is inserted only when its identity was not stored.
 */
export async function upsertCalls(
  bulk: BulkConnection,
  teamId: string,
  batchId: string,
  rows: CallRow[],
): Promise<void> {
  if (rows.length === 0) return;
  const staged = await bulk.stage(callColumns, rows, "t");
  await bulk.$executeRaw`
    WITH replaced AS (
      UPDATE ${c.$} SET
        ${CallTable.timestamp} = t.timestamp, ${CallTable.model} = t.model, ${CallTable.messageId} = coalesce(${c.messageId}, t."messageId"),
        ${CallTable.uncachedInput} = t."uncachedInput", ${CallTable.cacheRead} = t."cacheRead", ${CallTable.cacheWrite5m} = t."cacheWrite5m",
        ${CallTable.cacheWrite1h} = t."cacheWrite1h", ${CallTable.output} = t.output, ${CallTable.reasoning} = t.reasoning,
        ${CallTable.contextTokens} = t."contextTokens", ${CallTable.costUsd} = t."costUsd", ${CallTable.priced} = t.priced,
        ${CallTable.priceRule} = t."priceRule", ${CallTable.priceTier} = t."priceTier", ${CallTable.stopReason} = t."stopReason",
        ${CallTable.speed} = t.speed, ${CallTable.batchId} = ${batchId}::uuid
      FROM ${staged} JOIN ${k.$} ON ${k.teamId} = ${teamId}::uuid AND ${k.source} = t.source AND ${k.callKey} = t."callKey"
      WHERE ${c.teamId} = ${teamId}::uuid AND ${c.id} = ${k.callId} AND ${c.timestamp} = ${k.timestamp}
      RETURNING ${c.source}, ${c.callKey}, ${c.timestamp}
    )
    UPDATE ${k.$} SET ${CallTable.timestamp} = r.timestamp FROM replaced r
    WHERE ${k.teamId} = ${teamId}::uuid AND ${k.source} = r.source AND ${k.callKey} = r."callKey" AND ${k.timestamp} <> r.timestamp`;
  await bulk.$executeRaw`
    WITH keys AS (
      INSERT INTO ${CallKeyTable.$} (${CallKeyTable.teamId}, ${CallKeyTable.source}, ${CallKeyTable.callKey}, ${CallKeyTable.callId}, ${CallKeyTable.timestamp})
      SELECT ${teamId}::uuid, t.source, t."callKey", nextval(pg_get_serial_sequence('"Call"', 'id')), t.timestamp FROM ${staged}
      ON CONFLICT (${CallKeyTable.teamId}, ${CallKeyTable.source}, ${CallKeyTable.callKey}) DO NOTHING
      RETURNING ${CallKeyTable.source}, ${CallKeyTable.callKey}, ${CallKeyTable.callId}
    )
    INSERT INTO ${CallTable.$} (${CallTable.teamId}, ${CallTable.id}, ${callColumns.names()}, ${CallTable.batchId})
    SELECT ${teamId}::uuid, added."callId", t.*, ${batchId}::uuid
    FROM ${staged} JOIN keys added ON added.source = t.source AND added."callKey" = t."callKey"`;
}

const learnedColumns = tableColumns<CallModel>()({ id: "bigint", messageId: "text", isSidechain: "boolean" });
export type LearnedMessageId = RowOf<typeof learnedColumns>;

/** Calls stored before message ids were kept: their ids, so rule 3 can see them. */
export async function learnMessageIds(tx: SqlClient, teamId: string, learned: LearnedMessageId[]): Promise<void> {
  if (learned.length === 0) return;
  await tx.$executeRaw`
    UPDATE ${c.$} SET ${CallTable.messageId} = l."messageId", ${CallTable.isSidechain} = l."isSidechain"
    FROM ${learnedColumns.from(learned, "l")}
    WHERE ${c.teamId} = ${teamId}::uuid AND ${c.id} = l.id`;
}

/**
 * Deletes stored sidechain copies of these main-thread message ids, and stored calls of these
 * keys (replays dropped in this chunk); returns what it deleted, for the rollups to subtract.
 */
export async function deleteSidechainCopies(
  tx: SqlClient,
  teamId: string,
  mainMessageIds: string[],
  replayKeys: string[],
): Promise<StoredCall[]> {
  if (mainMessageIds.length === 0 && replayKeys.length === 0) return [];
  return storedCallColumns.read(
    tx,
    Prisma.sql`
    WITH doomed AS (
      SELECT ${c.id}, ${c.timestamp} FROM ${c.$}
      WHERE ${c.teamId} = ${teamId}::uuid AND ${c.messageId} = ANY(${mainMessageIds}::text[])
      UNION
      SELECT ${k.callId}, ${k.timestamp} FROM ${k.$}
      WHERE ${k.teamId} = ${teamId}::uuid AND ${k.source} = 'claude-code' AND ${k.callKey} = ANY(${replayKeys}::text[])
    ), gone AS (
      DELETE FROM ${c.$} USING doomed d
      WHERE ${c.teamId} = ${teamId}::uuid AND ${c.id} = d.id AND ${c.timestamp} = d.timestamp AND ${c.source} = 'claude-code' AND ${c.isSidechain}
      RETURNING c.*
    ), keys AS (
      DELETE FROM ${k.$} USING gone g
      WHERE ${k.teamId} = ${teamId}::uuid AND ${k.source} = g.source AND ${k.callKey} = g."callKey"
    )
    SELECT ${storedCallColumns.select("g")} FROM gone g`,
  );
}

/** Ids of calls as a record set (the tool-call module moves or deletes what they asked for). */
export const retractedCallColumns = recordColumns({ id: "bigint", messageId: "text?" });
export type RetractedCall = RowOf<typeof retractedCallColumns>;

/** A stored call as re-pricing reads it: its tokens, time, model and speed, and the price it has. */
export const callPriceColumns = tableColumns<CallModel>()({
  id: "bigint",
  runId: "uuid",
  timestamp: "timestamptz",
  model: "text",
  speed: "text",
  uncachedInput: "int",
  cacheRead: "int",
  cacheWrite5m: "int",
  cacheWrite1h: "int",
  output: "int",
  costUsd: "numeric",
  priced: "boolean",
  priceRule: "text",
  priceTier: "text?",
});
export type CallPriceRow = RowOf<typeof callPriceColumns>;

/** Calls of one model pattern (exact, `prefix*`, or `*`) in a time range. */
export interface CallRange {
  model: string;
  from: Date;
  /** Exclusive; null: open-ended. */
  until: Date | null;
}

function modelCondition(model: Prisma.Sql, pattern: string): Prisma.Sql {
  if (pattern === "*") return Prisma.sql`true`;
  if (pattern.endsWith("*")) return Prisma.sql`starts_with(${model}, ${pattern.slice(0, -1)})`;
  return Prisma.sql`${model} = ${pattern}`;
}

/**
 * The next `limit` calls of a range after `after` in (timestamp, id) order: a keyset walk on the
 * (teamId, timestamp) index, so each batch reads only its own calls however long the history.
 */
export async function callsToPrice(
  tx: SqlClient,
  teamId: string,
  range: CallRange,
  after: { timestamp: Date; id: string } | null,
  limit: number,
): Promise<CallPriceRow[]> {
  return callPriceColumns.read(
    tx,
    Prisma.sql`
    SELECT ${callPriceColumns.select("c")} FROM ${c.$}
    WHERE ${c.teamId} = ${teamId}::uuid AND ${c.timestamp} >= ${range.from}
      ${range.until === null ? Prisma.empty : Prisma.sql`AND ${c.timestamp} < ${range.until}`}
      ${after === null ? Prisma.empty : Prisma.sql`AND (${c.timestamp}, ${c.id}) > (${after.timestamp}, ${after.id}::bigint)`}
      AND ${modelCondition(c.model, range.model)}
    ORDER BY ${c.timestamp}, ${c.id} LIMIT ${limit}`,
  );
}

/** With the call's time: the update then reads one month's partition for each call. */
const newPriceColumns = callPriceColumns.pick("id", "timestamp", "costUsd", "priced", "priceRule", "priceTier");
export type NewCallPrice = RowOf<typeof newPriceColumns>;

/** Stores new prices of calls (their rollups are the caller's: lib/rollups/spend.ts). */
export async function setCallPrices(tx: SqlClient, teamId: string, prices: NewCallPrice[]): Promise<void> {
  if (prices.length === 0) return;
  await tx.$executeRaw`
    UPDATE ${c.$} SET ${CallTable.costUsd} = p."costUsd", ${CallTable.priced} = p.priced, ${CallTable.priceRule} = p."priceRule", ${CallTable.priceTier} = p."priceTier"
    FROM ${newPriceColumns.from(prices, "p")}
    WHERE ${c.teamId} = ${teamId}::uuid AND ${c.id} = p.id AND ${c.timestamp} = p.timestamp`;
}
