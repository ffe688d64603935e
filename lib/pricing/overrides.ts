/** A team's price overrides, read the one way every pricer (the writer, the findings, the context package) reads them. */
import type { Prisma } from "@/lib/generated/prisma/client";
import type { PriceOverride } from "./price-book";

type Reader = Pick<Prisma.TransactionClient, "priceOverride">;

export async function teamPriceOverrides(reader: Reader, teamId: string): Promise<PriceOverride[]> {
  const rows = await reader.priceOverride.findMany({ where: { teamId } });
  return rows.map((row) => ({
    id: row.id,
    model: row.model,
    effectiveFrom: row.effectiveFrom,
    inputPerM: Number(row.inputPerM),
    outputPerM: Number(row.outputPerM),
    cacheReadPerM: Number(row.cacheReadPerM),
    cacheWrite5mPerM: Number(row.cacheWrite5mPerM),
    cacheWrite1hPerM: Number(row.cacheWrite1hPerM),
  }));
}
