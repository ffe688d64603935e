/**
 * Sending queued deliveries, each by exactly one process: a sender claims due rows with
 * `FOR UPDATE SKIP LOCKED` and a lease, so two server processes never send the same row at once.
 * A failure is retried with backoff (RETRY_DELAYS_MS) and logged; after the last attempt the row is
 * "failed". A process that dies mid-send leaves its lease to expire, and the row is sent again.
 */
import { db } from "@/lib/db/client";
import { table } from "@/lib/db/tables";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { AlertPayload } from "./alert-payload";
import { sendToChannel } from "./channels";

const BudgetDelivery = table("BudgetDelivery");
const c = table("BudgetChannel", "c");
const d = table("BudgetDelivery", "d");

/** Wait after the 1st, 2nd, ... failed attempt; past the last, the delivery has failed. */
export const RETRY_DELAYS_MS = [30_000, 2 * 60_000, 8 * 60_000, 32 * 60_000, 2 * 3600_000] as const;
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;
const LEASE_MS = 60_000;
const BATCH = 25;

export interface DeliveryRun {
  delivered: number;
  retrying: number;
  failed: number;
}

interface Claimed {
  teamId: string;
  id: string;
  payload: AlertPayload;
  attempts: number;
  kind: string;
  url: string | null;
  secret: string | null;
  to: string | null;
}

/** Sends every due delivery (of one team, or all); `now` is the clock deliveries are due by. */
export async function deliverDueAlerts({
  teamId,
  now = new Date(),
  database = db(),
}: {
  teamId?: string;
  now?: Date;
  database?: PrismaClient;
} = {}): Promise<DeliveryRun> {
  const run: DeliveryRun = { delivered: 0, retrying: 0, failed: 0 };
  // Bounded: each round takes only rows due by `now`, and a failed row is due again only later.
  for (let round = 0; round < 40; round++) {
    const leaseUntil = new Date(now.getTime() + LEASE_MS);
    const claimed = await database.$queryRaw<Claimed[]>`
      WITH due AS (
        SELECT ${BudgetDelivery.teamId}, ${BudgetDelivery.id} FROM ${BudgetDelivery.$}
        WHERE ${BudgetDelivery.status} = 'pending' AND ${BudgetDelivery.nextAttemptAt} <= ${now} AND (${BudgetDelivery.leaseUntil} IS NULL OR ${BudgetDelivery.leaseUntil} < ${now})
          AND (${teamId ?? null}::uuid IS NULL OR ${BudgetDelivery.teamId} = ${teamId ?? null}::uuid)
        ORDER BY ${BudgetDelivery.nextAttemptAt} LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)
      UPDATE ${d.$} SET ${BudgetDelivery.leaseUntil} = ${leaseUntil}, ${BudgetDelivery.attempts} = ${d.attempts} + 1
      FROM due, ${c.$}
      WHERE ${d.teamId} = due."teamId" AND ${d.id} = due.id AND ${c.teamId} = ${d.teamId} AND ${c.id} = ${d.channelId}
      RETURNING ${d.teamId}::text AS "teamId", ${d.id}::text AS id, ${d.payload}, ${d.attempts}, ${c.kind}, ${c.url}, ${c.secret}, ${c.to}`;
    if (claimed.length === 0) break;
    await Promise.all(
      claimed.map(async (row) => {
        const where = { teamId_id: { teamId: row.teamId, id: row.id } };
        try {
          await sendToChannel(row, row.payload, row.id);
          await database.budgetDelivery.update({
            where,
            data: { status: "delivered", deliveredAt: new Date(), leaseUntil: null, lastError: null },
          });
          run.delivered += 1;
        } catch (error) {
          const message = String((error as Error)?.message ?? error).slice(0, 500);
          const delay = RETRY_DELAYS_MS[row.attempts - 1];
          if (delay === undefined) {
            await database.budgetDelivery.update({
              where,
              data: { status: "failed", leaseUntil: null, lastError: message },
            });
            run.failed += 1;
          } else {
            await database.budgetDelivery.update({
              where,
              data: { nextAttemptAt: new Date(now.getTime() + delay), leaseUntil: null, lastError: message },
            });
            run.retrying += 1;
          }
        }
      }),
    );
  }
  return run;
}

export interface DeliveryLogEntry {
  id: string;
  event: string;
  channelKind: string;
  status: string;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: Date;
  deliveredAt: Date | null;
  createdAt: Date;
  thresholdPercent: number | null;
  /** spend.spike only: whose spend spiked (a name from the data: render as text). */
  subjectName: string | null;
}

/** A budget's most recent deliveries, newest first. */
export async function deliveryLog(teamId: string, budgetId: string, limit = 50): Promise<DeliveryLogEntry[]> {
  const rows = await db().budgetDelivery.findMany({
    where: { teamId, budgetId },
    orderBy: { createdAt: "desc" },
    take: limit,
    include: { channel: { select: { kind: true } } },
  });
  return rows.map((row) => ({
    id: row.id,
    event: row.event,
    channelKind: row.channel.kind,
    status: row.status,
    attempts: row.attempts,
    lastError: row.lastError,
    nextAttemptAt: row.nextAttemptAt,
    deliveredAt: row.deliveredAt,
    createdAt: row.createdAt,
    thresholdPercent: (row.payload as unknown as AlertPayload).thresholdPercent ?? null,
    subjectName: (row.payload as unknown as AlertPayload).subject?.name ?? null,
  }));
}
