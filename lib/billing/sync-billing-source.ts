/**
 * Syncing a billing source for a range of days: pull everything first, then replace the range's
 * billed rows and Claude Code activity in one transaction (re-syncing a range gives the same rows,
 * a failed pull leaves the old ones), and record the outcome on the source: "ok", or "failed" with
 * the reason (a rejected key says so), which the Reconciliation page shows.
 */
import { z } from "zod";
import type { Scope } from "@/lib/auth/scope";
import { dayStart } from "@/lib/days";
import { db } from "@/lib/db/client";
import { table } from "@/lib/db/tables";
import { Prisma } from "@/lib/generated/prisma/client";
import { HttpError, notFound } from "@/lib/http/errors";
import { dateRangeSchema } from "@/lib/queries/params";
import { decryptAdminKey } from "./admin-key-vault";
import { pullAnthropic } from "./anthropic";
import { pullOpenAi } from "./openai";
import type { RetryPolicy } from "./provider-http";
import { type BillingProvider, type DayRange, dayCount, type ProviderPull } from "./provider-pull";

const BillingSource = table("BillingSource");

/** A manual sync pulls at most this many days (the Claude Code report is one request per day). */
export const MAX_SYNC_DAYS = 366;

export const syncRangeSchema = dateRangeSchema.refine(
  (range) => dayCount(range) <= MAX_SYNC_DAYS,
  `a sync covers at most ${MAX_SYNC_DAYS} days`,
);

export interface SyncResult {
  days: number;
  billedUsd: number;
}

export class BillingSyncError extends HttpError {
  constructor(message: string) {
    super(502, "billing_sync_failed", message);
  }
}

const pullers: Record<BillingProvider, (key: string, range: DayRange, retry?: RetryPolicy) => Promise<ProviderPull>> = {
  anthropic: pullAnthropic,
  openai: pullOpenAi,
};

/** Pulls `range` (inclusive UTC days) from the source's provider and replaces that range's rows. */
export async function syncBillingSource(
  scope: Pick<Scope, "teamId">,
  sourceId: string,
  range: z.input<typeof syncRangeSchema>,
  retry?: RetryPolicy,
): Promise<SyncResult> {
  const checked = syncRangeSchema.parse(range);
  if (!z.uuid().safeParse(sourceId).success) throw notFound("billing source");
  const where = { teamId_id: { teamId: scope.teamId, id: sourceId } };
  const source = await db().billingSource.findUnique({ where });
  if (!source) throw notFound("billing source");
  const rangeLabel = `${checked.from}..${checked.to}`;

  let pulled: ProviderPull;
  try {
    const adminKey = decryptAdminKey(source.adminKeyCiphertext, { teamId: scope.teamId, sourceId });
    pulled = await pullers[source.provider as BillingProvider](adminKey, checked, retry);
  } catch (error) {
    const message =
      error instanceof z.ZodError
        ? `${source.provider} answered in an unexpected shape: ${error.issues[0]?.path.join(".")}: ${error.issues[0]?.message}`
        : (error as Error).message;
    await db().billingSource.update({
      where,
      data: {
        lastSyncStatus: "failed",
        lastSyncAt: new Date(),
        lastSyncError: message.slice(0, 500),
        lastSyncRange: rangeLabel,
      },
    });
    throw new BillingSyncError(message);
  }

  const dayWindow = { gte: dayStart(checked.from), lte: dayStart(checked.to) };
  await db().$transaction(async (tx) => {
    // Two syncs of one source (the hourly one and a manual one) replace their rows one after the other.
    await tx.$queryRaw`SELECT ${BillingSource.id} FROM ${BillingSource.$} WHERE ${BillingSource.teamId} = ${scope.teamId}::uuid AND ${BillingSource.id} = ${sourceId}::uuid FOR UPDATE`;
    await tx.billedDay.deleteMany({ where: { teamId: scope.teamId, sourceId, day: dayWindow } });
    await tx.claudeCodeActivity.deleteMany({ where: { teamId: scope.teamId, sourceId, day: dayWindow } });
    await tx.billedDay.createMany({
      data: pulled.billed.map((line) => ({
        teamId: scope.teamId,
        sourceId,
        day: dayStart(line.day),
        model: line.model,
        costType: line.costType,
        billedUsd: line.billedUsd,
        inputTokens: line.tokens ? BigInt(line.tokens.inputTokens) : null,
        outputTokens: line.tokens ? BigInt(line.tokens.outputTokens) : null,
        cacheWriteTokens: line.tokens ? BigInt(line.tokens.cacheWriteTokens) : null,
        cacheReadTokens: line.tokens ? BigInt(line.tokens.cacheReadTokens) : null,
      })),
    });
    await tx.claudeCodeActivity.createMany({
      data: pulled.activity.map((line) => ({ teamId: scope.teamId, sourceId, ...line, day: dayStart(line.day) })),
    });
    await tx.billingSource.update({
      where,
      data: { lastSyncStatus: "ok", lastSyncAt: new Date(), lastSyncError: null, lastSyncRange: rangeLabel },
    });
  });
  const billedUsd = pulled.billed.reduce((sum, line) => sum.plus(line.billedUsd), new Prisma.Decimal(0));
  return { days: dayCount(checked), billedUsd: billedUsd.toNumber() };
}
