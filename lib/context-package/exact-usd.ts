/**
 * Dollars stored as numeric(24,12) added without rounding: each amount becomes a whole number of
 * 1e-12 dollars (a BigInt), so a recommendation's figure is exactly the sum of the runs it cites.
 */
const SCALE_DIGITS = 12;

export function toPicoUsd(decimal: string): bigint {
  const negative = decimal.startsWith("-");
  const [whole = "0", fraction = ""] = (negative ? decimal.slice(1) : decimal).split(".");
  const value =
    BigInt(whole) * 10n ** BigInt(SCALE_DIGITS) + BigInt((fraction + "0".repeat(SCALE_DIGITS)).slice(0, SCALE_DIGITS));
  return negative ? -value : value;
}

export function picoUsdToNumber(value: bigint): number {
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const text = `${abs / 10n ** BigInt(SCALE_DIGITS)}.${(abs % 10n ** BigInt(SCALE_DIGITS)).toString().padStart(SCALE_DIGITS, "0")}`;
  return Number(negative ? `-${text}` : text);
}

export const sumPicoUsd = (values: Iterable<bigint>): bigint => {
  let total = 0n;
  for (const value of values) total += value;
  return total;
};
