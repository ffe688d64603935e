/**
 * An admin's changes to the team's prices. Each is checked (zod; no overlapping periods for one
 * model pattern; a discount only on a model with a list price), audited, and answered with the
 * re-pricing job that brings history in line (lib/pricing/reprice.ts).
 */
import { z } from "zod";
import { assertMay } from "@/lib/auth/policy";
import type { Scope } from "@/lib/auth/scope";
import { dayAfter, dayStart } from "@/lib/days";
import { db } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";
import { badRequest, notFound } from "@/lib/http/errors";
import { type PriceOverrideInput, priceOverrideInputSchema } from "./override-input";
import { type PriceOverrideRow, type StoredOverride, toRow } from "./overrides";
import { listRates } from "./price-book";
import { type RepriceJobStatus, type RepriceTarget, startRepriceJob } from "./reprice";

const assertMayManagePrices = (scope: Scope) =>
  assertMay(scope, "prices:manage", "setting prices needs the admin role");

const actorUserId = (scope: Scope) => (scope.actor.kind === "user" ? scope.actor.userId : null);
const actorApiKeyId = (scope: Scope) => (scope.actor.kind === "apiKey" ? scope.actor.apiKeyId : null);

/** The columns of an input: one day range, and either a discount or five rates. */
function columnsOf(input: PriceOverrideInput) {
  const price = input.price;
  return {
    model: input.model,
    effectiveFrom: dayStart(input.from),
    effectiveUntil: input.until == null ? null : dayAfter(input.until),
    discountPercent: price.kind === "discount" ? price.percent : null,
    inputPerM: price.kind === "rates" ? price.input : null,
    cacheWrite5mPerM: price.kind === "rates" ? price.cacheWrite5m : null,
    cacheWrite1hPerM: price.kind === "rates" ? price.cacheWrite1h : null,
    cacheReadPerM: price.kind === "rates" ? price.cacheRead : null,
    outputPerM: price.kind === "rates" ? price.output : null,
  };
}

const targetOf = (row: { model: string; effectiveFrom: Date; effectiveUntil: Date | null }): RepriceTarget => ({
  model: row.model,
  from: row.effectiveFrom,
  until: row.effectiveUntil,
});

const periodText = (row: StoredOverride) => {
  const { from, until } = toRow(row);
  return until === null ? `from ${from}` : `from ${from} to ${until}`;
};

export interface PriceChange {
  override: PriceOverrideRow | null;
  job: RepriceJobStatus;
  /** Settles when history is re-priced (the page shows the job; tests wait for it). */
  repriced: Promise<void>;
}

/**
 * Creates an override, or replaces override `id`, then re-prices the calls the old and the new
 * period cover. Refused (400) when another period of the same model pattern overlaps, or when a
 * discount names a model without a list price (there is nothing to discount: set its prices).
 */
export async function setPriceOverride(
  scope: Scope,
  body: unknown,
  id?: string,
  options: { batchCalls?: number } = {},
): Promise<PriceChange> {
  assertMayManagePrices(scope);
  if (id !== undefined && !z.uuid().safeParse(id).success) throw notFound("price override");
  const input = priceOverrideInputSchema.parse(body);
  const teamId = scope.teamId;
  if (
    input.price.kind === "discount" &&
    !input.model.endsWith("*") &&
    listRates(input.model, dayStart(input.from)) === null
  )
    throw badRequest(`${input.model} has no list price to discount: set its prices instead`);
  const columns = columnsOf(input);
  const { saved, before } = await db().$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`prices:${teamId}`}))`;
    const before =
      id === undefined ? null : await tx.priceOverride.findUnique({ where: { teamId_id: { teamId, id } } });
    if (id !== undefined && before === null) throw notFound("price override");
    const overlapping = await tx.priceOverride.findFirst({
      where: {
        teamId,
        model: columns.model,
        ...(id === undefined ? {} : { id: { not: id } }),
        ...(columns.effectiveUntil === null ? {} : { effectiveFrom: { lt: columns.effectiveUntil } }),
        OR: [{ effectiveUntil: null }, { effectiveUntil: { gt: columns.effectiveFrom } }],
      },
    });
    if (overlapping !== null)
      throw badRequest(
        `${columns.model} already has a price ${periodText(overlapping)}: change that one, or pick days outside it`,
      );
    const saved =
      before === null
        ? await tx.priceOverride.create({ data: { teamId, ...columns } })
        : await tx.priceOverride.update({ where: { teamId_id: { teamId, id: before.id } }, data: columns });
    await tx.auditLog.create({
      data: {
        teamId,
        actorUserId: actorUserId(scope),
        actorApiKeyId: actorApiKeyId(scope),
        action: before === null ? "priceOverride.create" : "priceOverride.update",
        entityType: "PriceOverride",
        entityId: saved.id,
        before: before === null ? undefined : auditView(before),
        after: auditView(saved),
      },
    });
    return { saved, before };
  });
  const targets = before === null ? [targetOf(saved)] : [targetOf(before), targetOf(saved)];
  return { override: toRow(saved), ...(await startRepriceJob(teamId, targets, options)) };
}

/** Deletes an override; the calls it priced go back to the list price (or to unpriced). */
export async function deletePriceOverride(scope: Scope, id: string): Promise<PriceChange> {
  assertMayManagePrices(scope);
  if (!z.uuid().safeParse(id).success) throw notFound("price override");
  const teamId = scope.teamId;
  const deleted = await db().$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`prices:${teamId}`}))`;
    const row = await tx.priceOverride.findUnique({ where: { teamId_id: { teamId, id } } });
    if (row === null) throw notFound("price override");
    await tx.priceOverride.delete({ where: { teamId_id: { teamId, id } } });
    await tx.auditLog.create({
      data: {
        teamId,
        actorUserId: actorUserId(scope),
        actorApiKeyId: actorApiKeyId(scope),
        action: "priceOverride.delete",
        entityType: "PriceOverride",
        entityId: id,
        before: auditView(row),
      },
    });
    return row;
  });
  return { override: null, ...(await startRepriceJob(teamId, [targetOf(deleted)])) };
}

/** Re-prices all of the team's history with the current price book (after a price table upgrade). */
export async function repriceAllHistory(scope: Scope): Promise<Omit<PriceChange, "override">> {
  assertMayManagePrices(scope);
  return startRepriceJob(scope.teamId, [{ model: "*", from: new Date(0), until: null }]);
}

function auditView(row: StoredOverride): Prisma.InputJsonObject {
  const { model, from, until, price } = toRow(row);
  return { model, from, until, price };
}
