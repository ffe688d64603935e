/** Display formats shared by tables, charts and the CLI. */

/**
 * Made on first use: the first Intl formatter of a process loads ICU's locale data (12-30 ms),
 * which `trh analyze --json` never needs.
 */
let numberFormats: { usd: Intl.NumberFormat; smallUsd: Intl.NumberFormat; integer: Intl.NumberFormat } | null = null;

function formats(): NonNullable<typeof numberFormats> {
  numberFormats ??= {
    usd: new Intl.NumberFormat("en-US", {
      style: "currency",
      currency: "USD",
      minimumFractionDigits: 2,
      maximumFractionDigits: 2,
    }),
    smallUsd: new Intl.NumberFormat("en-US", {
      style: "currency",
      currency: "USD",
      minimumFractionDigits: 4,
      maximumFractionDigits: 4,
    }),
    integer: new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 }),
  };
  return numberFormats;
}

/** Dollars to the cent; amounts under a cent keep four decimals so they do not read as $0.00. */
export function formatUsd(value: number): string {
  return value !== 0 && Math.abs(value) < 0.01 ? formats().smallUsd.format(value) : formats().usd.format(value);
}

/** Token counts with thousands separators. */
export function formatInteger(value: number): string {
  return formats().integer.format(value);
}

/** Compact token counts for axes and tiles: 950, 12.3k, 4.5M, 1.2B. */
export function formatTokens(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e9) return `${(value / 1e9).toFixed(abs >= 1e10 ? 0 : 1)}B`;
  if (abs >= 1e6) return `${(value / 1e6).toFixed(abs >= 1e7 ? 0 : 1)}M`;
  if (abs >= 1e3) return `${(value / 1e3).toFixed(abs >= 1e4 ? 0 : 1)}k`;
  return formats().integer.format(value);
}

/** Wall time: 45s, 12m 05s, 3h 20m, 2d 4h. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${String(seconds % 60).padStart(2, "0")}s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h ${String(minutes % 60).padStart(2, "0")}m`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}
