/** Small wording helpers so every detector's sentence reads the same way. */
import { formatInteger, formatUsd } from "@/lib/format";

export const tokens = (count: number): string => `${formatInteger(count)} tokens`;
export const usd = formatUsd;

export function duration(ms: number): string {
  const minutes = ms / 60_000;
  if (minutes < 1) return `${Math.round(ms / 1000)} seconds`;
  if (minutes < 120) return `${Math.round(minutes)} minutes`;
  return `${(minutes / 60).toFixed(1)} hours`;
}

export const plural = (count: number, noun: string): string =>
  `${formatInteger(count)} ${noun}${count === 1 ? "" : "s"}`;

/** A tool call as a developer recognizes it: `Read src/app.ts`, `Bash npm test`. */
export function toolLabel(name: string, summary: string | null): string {
  const shown = summary === null ? name : `${name} ${summary.length > 80 ? `${summary.slice(0, 77)}...` : summary}`;
  return `"${shown}"`;
}
