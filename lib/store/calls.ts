/**
 * The Call table's SQL for the ingest writer: a call's identity is (team, source, callKey); the
 * writer locks the stored copies of a chunk's calls, inserts new ones, replaces a stored copy by
 * a more complete one, learns message ids stored before they were kept, and retracts /btw
 * sidechain copies (docs/FORMATS.md Claude Code rule 3).
 */

import { type RowOf, recordColumns, tableColumns } from "@/lib/db/columns";
import { Prisma } from "@/lib/generated/prisma/client";
import type { CallModel } from "@/lib/generated/prisma/models/Call";

type Tx = Prisma.TransactionClient;

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
export async function lockStoredCalls(tx: Tx, teamId: string, identities: CallIdentity[]): Promise<StoredCall[]> {
  if (identities.length === 0) return [];
  return storedCallColumns.read(
    tx,
    Prisma.sql`
    SELECT ${storedCallColumns.select("c")}
    FROM "Call" c JOIN ${identityColumns.from(identities, "k")} ON c.source = k.source AND c."callKey" = k."callKey"
    WHERE c."teamId" = ${teamId}::uuid
    FOR UPDATE OF c`,
  );
}

const messageIdColumns = storedCallColumns.pick("messageId");

/** Which of these message ids the team holds as main-thread Claude Code calls. */
export async function storedMainThreadMessageIds(tx: Tx, teamId: string, messageIds: string[]): Promise<string[]> {
  if (messageIds.length === 0) return [];
  const rows = await messageIdColumns.read(
    tx,
    Prisma.sql`
    SELECT DISTINCT ${messageIdColumns.select("c")} FROM "Call" c
    WHERE c."teamId" = ${teamId}::uuid AND c.source = 'claude-code' AND NOT c."isSidechain" AND c."messageId" = ANY(${messageIds}::text[])`,
  );
  return rows.flatMap((row) => (row.messageId === null ? [] : [row.messageId]));
}

/** Inserts new calls and replaces stored copies (same identity) by these, in one statement. */
export async function upsertCalls(tx: Tx, teamId: string, batchId: string, rows: CallRow[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.$executeRaw`
    INSERT INTO "Call" ("teamId", ${callColumns.names()}, "batchId")
    SELECT ${teamId}::uuid, t.*, ${batchId}::uuid FROM ${callColumns.from(rows, "t")}
    ON CONFLICT ("teamId", source, "callKey") DO UPDATE SET
      timestamp = excluded.timestamp, model = excluded.model, "messageId" = coalesce("Call"."messageId", excluded."messageId"),
      "uncachedInput" = excluded."uncachedInput", "cacheRead" = excluded."cacheRead", "cacheWrite5m" = excluded."cacheWrite5m",
      "cacheWrite1h" = excluded."cacheWrite1h", output = excluded.output, reasoning = excluded.reasoning,
      "contextTokens" = excluded."contextTokens", "costUsd" = excluded."costUsd", priced = excluded.priced,
      "priceRule" = excluded."priceRule", "priceTier" = excluded."priceTier", "stopReason" = excluded."stopReason",
      speed = excluded.speed, "batchId" = excluded."batchId"`;
}

const learnedColumns = tableColumns<CallModel>()({ id: "bigint", messageId: "text", isSidechain: "boolean" });
export type LearnedMessageId = RowOf<typeof learnedColumns>;

/** Calls stored before message ids were kept: their ids, so rule 3 can see them. */
export async function learnMessageIds(tx: Tx, teamId: string, learned: LearnedMessageId[]): Promise<void> {
  if (learned.length === 0) return;
  await tx.$executeRaw`
    UPDATE "Call" c SET "messageId" = l."messageId", "isSidechain" = l."isSidechain"
    FROM ${learnedColumns.from(learned, "l")}
    WHERE c."teamId" = ${teamId}::uuid AND c.id = l.id`;
}

/**
 * Deletes stored sidechain copies of these main-thread message ids, and stored calls of these
 * keys (replays dropped in this chunk); returns what it deleted, for the rollups to subtract.
 */
export async function deleteSidechainCopies(
  tx: Tx,
  teamId: string,
  mainMessageIds: string[],
  replayKeys: string[],
): Promise<StoredCall[]> {
  if (mainMessageIds.length === 0 && replayKeys.length === 0) return [];
  return storedCallColumns.read(
    tx,
    Prisma.sql`
    DELETE FROM "Call" c
    WHERE c."teamId" = ${teamId}::uuid AND c.source = 'claude-code' AND c."isSidechain"
      AND (c."messageId" = ANY(${mainMessageIds}::text[]) OR c."callKey" = ANY(${replayKeys}::text[]))
    RETURNING ${storedCallColumns.select("c")}`,
  );
}

/** Ids of calls as a record set (the tool-call module moves or deletes what they asked for). */
export const retractedCallColumns = recordColumns({ id: "bigint", messageId: "text?" });
export type RetractedCall = RowOf<typeof retractedCallColumns>;
