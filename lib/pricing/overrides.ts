/**
 * A team's price overrides as stored: the one loader every pricing caller uses (the ingest writer,
 * the re-pricing job, findings, context packages, the cost anatomy), and the rows the Prices page
 * shows. Changes are lib/pricing/manage.ts's.
 */
import type { Scope } from "@/lib/auth/scope";
import { addDays, dayOf } from "@/lib/days";
import { db } from "@/lib/db/client";
import { type RowOf, type SqlClient, tableColumns } from "@/lib/db/columns";
import { table } from "@/lib/db/tables";
import { Prisma } from "@/lib/generated/prisma/client";
import type { PriceOverrideModel } from "@/lib/generated/prisma/models/PriceOverride";
import type { OverrideRates, PriceOverride } from "./price-book";

type Reader = Pick<Prisma.TransactionClient, "priceOverride">;
export type StoredOverride = Awaited<ReturnType<Reader["priceOverride"]["findMany"]>>[number];

const o = table("PriceOverride", "o");

/** What pricing reads of an override; the rates as their exact decimal text (scale 6). */
const pricingColumns = tableColumns<PriceOverrideModel>()({
  id: "uuid",
  model: "text",
  effectiveFrom: "timestamptz",
  effectiveUntil: "timestamptz?",
  discountPercent: "numeric?",
  inputPerM: "numeric?",
  cacheWrite5mPerM: "numeric?",
  cacheWrite1hPerM: "numeric?",
  cacheReadPerM: "numeric?",
  outputPerM: "numeric?",
});
type PricingRow = RowOf<typeof pricingColumns>;

/** "3.750000" -> 3_750_000n: the decimal's digits as a whole number of millionths (the columns' scale is 6). */
function millionths(decimal: string): bigint {
  const [whole, fraction = ""] = decimal.split(".");
  if (fraction.length > 6) throw new Error(`price override ${decimal}: more than 6 decimals`);
  return BigInt(`${whole}${fraction.padEnd(6, "0")}`);
}

function toPriceOverride(row: PricingRow): PriceOverride {
  const base = { id: row.id, model: row.model, effectiveFrom: row.effectiveFrom, effectiveUntil: row.effectiveUntil };
  if (row.discountPercent !== null)
    return { ...base, price: { kind: "discount", percentMillionths: millionths(row.discountPercent) } };
  const rate = (value: string | null) => (value === null ? 0n : millionths(value));
  const rates: OverrideRates = {
    input: rate(row.inputPerM),
    cacheWrite5m: rate(row.cacheWrite5mPerM),
    cacheWrite1h: rate(row.cacheWrite1hPerM),
    cacheRead: rate(row.cacheReadPerM),
    output: rate(row.outputPerM),
  };
  return { ...base, price: { kind: "rates", rates } };
}

/**
 * Every override of the team, as the price book takes them. Raw SQL, so the ingest writer and the
 * after-commit recompute read them on their bulk connection (lib/db/bulk.ts) without Prisma's
 * per-statement compile.
 */
export async function loadPriceOverrides(tx: SqlClient, teamId: string): Promise<PriceOverride[]> {
  const rows = await pricingColumns.read(
    tx,
    Prisma.sql`SELECT ${pricingColumns.select("o")} FROM ${o.$} WHERE ${o.teamId} = ${teamId}::uuid`,
  );
  return rows.map(toPriceOverride);
}

/** An override as the Prices page shows it: days (the last one inclusive) and decimals as text. */
export interface PriceOverrideRow {
  id: string;
  model: string;
  from: string;
  until: string | null;
  price:
    | { kind: "discount"; percent: string }
    | { kind: "rates"; input: string; cacheWrite5m: string; cacheWrite1h: string; cacheRead: string; output: string };
  createdAt: Date;
}

const plain = (value: { toString(): string } | null) => (value === null ? "0" : value.toString());

export function toRow(row: StoredOverride): PriceOverrideRow {
  return {
    id: row.id,
    model: row.model,
    from: dayOf(row.effectiveFrom),
    until: row.effectiveUntil === null ? null : addDays(dayOf(row.effectiveUntil), -1),
    price:
      row.discountPercent !== null
        ? { kind: "discount", percent: row.discountPercent.toString() }
        : {
            kind: "rates",
            input: plain(row.inputPerM),
            cacheWrite5m: plain(row.cacheWrite5mPerM),
            cacheWrite1h: plain(row.cacheWrite1hPerM),
            cacheRead: plain(row.cacheReadPerM),
            output: plain(row.outputPerM),
          },
    createdAt: row.createdAt,
  };
}

export async function listPriceOverrides(scope: Scope): Promise<PriceOverrideRow[]> {
  const rows = await db().priceOverride.findMany({
    where: { teamId: scope.teamId },
    orderBy: [{ model: "asc" }, { effectiveFrom: "asc" }],
  });
  return rows.map(toRow);
}
