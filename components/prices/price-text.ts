/** How the Prices page writes a price. */
import type { PriceOverrideRow } from "@/lib/pricing/overrides";
import type { RatesPerM } from "@/lib/pricing/price-book";

const perM = (value: string | number) => `$${Number(value).toLocaleString("en-US", { maximumFractionDigits: 6 })}`;

export function ratesText(rates: Record<keyof RatesPerM, string | number>): string {
  return `${perM(rates.input)} in, ${perM(rates.cacheWrite5m)} / ${perM(rates.cacheWrite1h)} cache write 5m / 1h, ${perM(rates.cacheRead)} cache read, ${perM(rates.output)} out`;
}

export function overridePriceText(price: PriceOverrideRow["price"]): string {
  return price.kind === "discount" ? `${Number(price.percent)}% off the list price` : ratesText(price);
}

export function periodText(row: Pick<PriceOverrideRow, "from" | "until">): string {
  return row.until === null ? `from ${row.from}` : `${row.from} to ${row.until}`;
}
