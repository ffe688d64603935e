/**
 * What a sync pulls from a provider for a range of days, in our units: dollars (Decimal, exact),
 * one row per UTC day, model and cost type, summed over whatever finer lines the provider sends.
 */

import { addDays, dayStart } from "@/lib/days";
import { Prisma } from "@/lib/generated/prisma/client";

export const billingProviders = ["anthropic", "openai"] as const;
export type BillingProvider = (typeof billingProviders)[number];

export interface BilledTokens {
  /** Uncached input, as everywhere in Token Robin Hood. */
  inputTokens: number;
  outputTokens: number;
  cacheWriteTokens: number;
  cacheReadTokens: number;
}

export interface BilledLine {
  day: string;
  /** '' when the provider names no model (a tool fee, an unattributed line). */
  model: string;
  costType: string;
  billedUsd: Prisma.Decimal;
  tokens: BilledTokens | null;
}

export interface ActivityLine {
  day: string;
  actor: string;
  customerType: string;
  sessions: number;
  linesAdded: number;
  linesRemoved: number;
  commits: number;
  pullRequests: number;
  estimatedCostUsd: Prisma.Decimal;
}

export interface ProviderPull {
  billed: BilledLine[];
  activity: ActivityLine[];
}

export interface DayRange {
  from: string;
  to: string;
}

/** The cost type usage-endpoint token counts are kept on (Anthropic's own cost_type for token spend). */
export const tokensCostType = "tokens";

/** Sums cost lines and merges token counts into one row per day, model and cost type. */
export class BilledLines {
  private readonly rows = new Map<string, BilledLine>();

  private row(day: string, model: string, costType: string): BilledLine {
    const key = `${day}\u0000${model}\u0000${costType}`;
    let row = this.rows.get(key);
    if (!row) {
      row = { day, model, costType, billedUsd: new Prisma.Decimal(0), tokens: null };
      this.rows.set(key, row);
    }
    return row;
  }

  addCost(day: string, model: string, costType: string, usd: Prisma.Decimal) {
    const row = this.row(day, model, costType);
    row.billedUsd = row.billedUsd.plus(usd);
  }

  addTokens(day: string, model: string, tokens: BilledTokens) {
    const row = this.row(day, model, tokensCostType);
    const sum = row.tokens ?? { inputTokens: 0, outputTokens: 0, cacheWriteTokens: 0, cacheReadTokens: 0 };
    row.tokens = {
      inputTokens: sum.inputTokens + tokens.inputTokens,
      outputTokens: sum.outputTokens + tokens.outputTokens,
      cacheWriteTokens: sum.cacheWriteTokens + tokens.cacheWriteTokens,
      cacheReadTokens: sum.cacheReadTokens + tokens.cacheReadTokens,
    };
  }

  /** Only days inside the range: a provider's bucket outside it must not land in another sync's days. */
  inRange(range: DayRange): BilledLine[] {
    return [...this.rows.values()].filter((row) => row.day >= range.from && row.day <= range.to);
  }
}

/** How many days an inclusive range has (0 when it runs backwards), by date arithmetic: comparing
 * day strings past year 9999 ("+010000-01-01") would never end. */
export function dayCount(range: DayRange): number {
  return Math.max(0, Math.round((dayStart(range.to).getTime() - dayStart(range.from).getTime()) / 86_400_000) + 1);
}

/** Every day of an inclusive range; callers bound the range first (dayCount). */
export function daysOf(range: DayRange): string[] {
  return Array.from({ length: dayCount(range) }, (_, index) => addDays(range.from, index));
}

/** A provider's base URL from the environment (no trailing slash), so tests and proxies can point elsewhere. */
export function providerBaseUrl(provider: BillingProvider): string {
  const configured = provider === "anthropic" ? process.env.TRH_ANTHROPIC_API_URL : process.env.TRH_OPENAI_API_URL;
  const url = configured?.trim() || (provider === "anthropic" ? "https://api.anthropic.com" : "https://api.openai.com");
  return url.endsWith("/") ? url.slice(0, -1) : url;
}

/** Follows `next_page` while `has_more` (both providers' pagination), bounded against a server that never stops. */
export async function forEachPage<Page extends { has_more: boolean; next_page: string | null }>(
  fetchPage: (page: string | null) => Promise<Page>,
  onPage: (page: Page) => void,
  maxPages = 10_000,
): Promise<void> {
  let cursor: string | null = null;
  for (let pages = 0; pages < maxPages; pages++) {
    const page = await fetchPage(cursor);
    onPage(page);
    if (!page.has_more || !page.next_page) return;
    cursor = page.next_page;
  }
  throw new Error(`gave up after ${maxPages} pages: the provider kept answering has_more`);
}
