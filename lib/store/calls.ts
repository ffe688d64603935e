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

const CallTable = table("Call");
/** The row an INSERT ... ON CONFLICT DO UPDATE finds in place. */
const storedCall = table("Call", "stored");
const c = table("Call", "c");
const callExcluded = table("Call", "excluded");

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

/** The stored copies of these calls, locked until the transaction ends. */
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
    FROM ${c.$} JOIN ${await bulk.stage(identityColumns, identities, "k")} ON ${c.source} = k.source AND ${c.callKey} = k."callKey"
    WHERE ${c.teamId} = ${teamId}::uuid
    FOR UPDATE OF c`,
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

/** Inserts new calls and replaces stored copies (same identity) by these: staged with COPY, merged in one statement. */
export async function upsertCalls(
  bulk: BulkConnection,
  teamId: string,
  batchId: string,
  rows: CallRow[],
): Promise<void> {
  if (rows.length === 0) return;
  await bulk.$executeRaw`
    INSERT INTO ${storedCall.$} (${CallTable.teamId}, ${callColumns.names()}, ${CallTable.batchId})
    SELECT ${teamId}::uuid, t.*, ${batchId}::uuid FROM ${await bulk.stage(callColumns, rows, "t")}
    ON CONFLICT (${CallTable.teamId}, ${CallTable.source}, ${CallTable.callKey}) DO UPDATE SET
      ${CallTable.timestamp} = ${callExcluded.timestamp}, ${CallTable.model} = ${callExcluded.model}, ${CallTable.messageId} = coalesce(${storedCall.messageId}, ${callExcluded.messageId}),
      ${CallTable.uncachedInput} = ${callExcluded.uncachedInput}, ${CallTable.cacheRead} = ${callExcluded.cacheRead}, ${CallTable.cacheWrite5m} = ${callExcluded.cacheWrite5m},
      ${CallTable.cacheWrite1h} = ${callExcluded.cacheWrite1h}, ${CallTable.output} = ${callExcluded.output}, ${CallTable.reasoning} = ${callExcluded.reasoning},
      ${CallTable.contextTokens} = ${callExcluded.contextTokens}, ${CallTable.costUsd} = ${callExcluded.costUsd}, ${CallTable.priced} = ${callExcluded.priced},
      ${CallTable.priceRule} = ${callExcluded.priceRule}, ${CallTable.priceTier} = ${callExcluded.priceTier}, ${CallTable.stopReason} = ${callExcluded.stopReason},
      ${CallTable.speed} = ${callExcluded.speed}, ${CallTable.batchId} = ${callExcluded.batchId}`;
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
    DELETE FROM ${c.$}
    WHERE ${c.teamId} = ${teamId}::uuid AND ${c.source} = 'claude-code' AND ${c.isSidechain}
      AND (${c.messageId} = ANY(${mainMessageIds}::text[]) OR ${c.callKey} = ANY(${replayKeys}::text[]))
    RETURNING ${storedCallColumns.select("c")}`,
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

const newPriceColumns = callPriceColumns.pick("id", "costUsd", "priced", "priceRule", "priceTier");
export type NewCallPrice = RowOf<typeof newPriceColumns>;

/** Stores new prices of calls (their rollups are the caller's: lib/rollups/spend.ts). */
export async function setCallPrices(tx: SqlClient, teamId: string, prices: NewCallPrice[]): Promise<void> {
  if (prices.length === 0) return;
  await tx.$executeRaw`
    UPDATE ${c.$} SET ${CallTable.costUsd} = p."costUsd", ${CallTable.priced} = p.priced, ${CallTable.priceRule} = p."priceRule", ${CallTable.priceTier} = p."priceTier"
    FROM ${newPriceColumns.from(prices, "p")}
    WHERE ${c.teamId} = ${teamId}::uuid AND ${c.id} = p.id`;
}
