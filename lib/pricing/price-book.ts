/**
 * Prices one model call (docs/FORMATS.md, "Pricing rules").
 *
 * List prices come from @pydantic/genai-prices' bundled table (never fetched at run time; updates
 * arrive with package upgrades and team overrides). The package resolves a model name to its
 * price entry once per name (memoized: resolution scans hundreds of patterns); the arithmetic is
 * done here on the entry it returns, the same way the package does it (checked against
 * calcPrice in price-book.test.ts), so pricing a million calls stays fast.
 */
import { calcPrice, type ModelInfo, type ModelPrice, type TieredPrices } from "@pydantic/genai-prices";
import { dayStart } from "@/lib/days";
import type { NormalizedCall } from "../ingest/normalized-call";

export type PricedTokens = Pick<
  NormalizedCall,
  "model" | "timestamp" | "uncachedInput" | "cacheRead" | "cacheWrite5m" | "cacheWrite1h" | "output" | "speed"
>;

/**
 * Per-token prices of an override in micro-dollars per million tokens, which is 1e-12 USD per token:
 * whole numbers, so an override's cost is exact to the 1e-12 USD the database stores.
 */
export interface OverrideRates {
  input: bigint;
  cacheWrite5m: bigint;
  cacheWrite1h: bigint;
  cacheRead: bigint;
  output: bigint;
}

/**
 * A team's own price for a model (PriceOverride, loaded by lib/pricing/overrides.ts): explicit
 * rates, or a discount on the list price in millionths of a percent (12.5% = 12_500_000n).
 */
export interface PriceOverride {
  id: string;
  /** An exact model name, or a prefix ending in `*` (e.g. `claude-opus-4-*`; `*` alone: every model). */
  model: string;
  effectiveFrom: Date;
  /** Exclusive; null: open-ended. */
  effectiveUntil: Date | null;
  price: { kind: "rates"; rates: OverrideRates } | { kind: "discount"; percentMillionths: bigint };
}

export interface CallPrice {
  costUsd: number;
  /** False when no price is known: costUsd is then 0 and callers must name the model as unpriced. */
  priced: boolean;
  /** Which price applied, e.g. `genai-prices:anthropic/claude-opus-4-6@base` or `override:<id>`. */
  rule: string;
  /** The long-context tier that applied to the whole request (e.g. `input>200000`), else null. */
  tier: string | null;
}

/**
 * Fast mode (usage.speed "fast") multiplies the whole price. genai-prices 0.1.8 has no speed
 * dimension, so the multipliers live here: claude-opus-4-6 x6 per LiteLLM's
 * model_prices_and_context_window.json. A fast call on a model missing from this table is priced
 * at the standard rate and says so in its rule.
 */
const FAST_MODE_MULTIPLIERS: ReadonlyArray<{ modelPrefix: string; multiplier: number }> = [
  { modelPrefix: "claude-opus-4-6", multiplier: 6 },
];

interface PricePeriod {
  /** Start of validity in ms since epoch; null for the entry's first (undated) prices. */
  startsAt: number | null;
  label: string;
  prices: ModelPrice;
  /** UTC seconds-of-day window for time-of-day prices (e.g. off-peak discounts), else null. */
  timeOfDay: { start: number; end: number } | null;
}

interface ResolvedModel {
  ruleBase: string;
  /** Oldest first, as in the package's table. */
  periods: PricePeriod[];
}

const resolvedModels = new Map<string, ResolvedModel | null>();

function lookUp(model: string, providerId?: string): ResolvedModel | null {
  try {
    const result = calcPrice(
      { input_tokens: 0, output_tokens: 0 },
      model,
      providerId === undefined ? undefined : { providerId },
    );
    return result === null
      ? null
      : { ruleBase: `genai-prices:${result.provider.id}/${result.model.id}`, periods: pricePeriods(result.model) };
  } catch {
    // The package throws for a provider id it does not know.
    return null;
  }
}

/**
 * The package matches a bare model name against every provider's patterns (`gpt-5.4` -> OpenAI,
 * `gemini-3-flash-preview` -> Google) but no provider-qualified name. Agents that route through
 * several providers name both (OpenCode `anthropic/claude-sonnet-4-5`, `openrouter/qwen/qwen3-coder`,
 * `github-copilot/claude-sonnet-4.5`): the part before the first `/` is tried as the provider
 * (OpenRouter has its own prices), then the rest as a bare name (a provider the table does not
 * list, such as GitHub Copilot, serves the model at its maker's list price); when neither is
 * known the model stays unpriced, never $0.
 */
function resolveModel(model: string): ResolvedModel | null {
  const cached = resolvedModels.get(model);
  if (cached !== undefined) return cached;
  let resolved = lookUp(model);
  const slash = model.indexOf("/");
  if (resolved === null && slash > 0 && slash < model.length - 1) {
    const provider = model.slice(0, slash);
    const rest = model.slice(slash + 1);
    resolved = lookUp(rest, provider) ?? lookUp(rest);
  }
  resolvedModels.set(model, resolved);
  return resolved;
}

function pricePeriods(model: ModelInfo): PricePeriod[] {
  if (!Array.isArray(model.prices)) return [{ startsAt: null, label: "base", prices: model.prices, timeOfDay: null }];
  return model.prices.map((conditional) => {
    const constraint = conditional.constraint;
    if (constraint === undefined) return { startsAt: null, label: "base", prices: conditional.prices, timeOfDay: null };
    if (constraint.type === "start_date") {
      return {
        startsAt: dayStart(constraint.start_date).getTime(),
        label: constraint.start_date,
        prices: conditional.prices,
        timeOfDay: null,
      };
    }
    return {
      startsAt: null,
      label: `${constraint.start_time}-${constraint.end_time}`,
      prices: conditional.prices,
      timeOfDay: { start: secondsOfDay(constraint.start_time), end: secondsOfDay(constraint.end_time) },
    };
  });
}

/** "HH:MM:SS[.fff](Z|±HH:MM)" -> UTC seconds of day. */
function secondsOfDay(time: string): number {
  const match = /^(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(Z|([+-])(\d{2}):(\d{2}))$/.exec(time);
  if (match === null) return 0;
  const local = Number(match[1]) * 3600 + Number(match[2]) * 60 + Number(match[3]);
  const offset = match[4] === "Z" ? 0 : (match[5] === "+" ? 1 : -1) * (Number(match[6]) * 3600 + Number(match[7]) * 60);
  return (((local - offset) % 86400) + 86400) % 86400;
}

/** Same choice as the package: the newest entry whose constraint holds, else the first entry. */
function periodAt(periods: PricePeriod[], timestamp: Date): PricePeriod {
  const time = timestamp.getTime();
  for (let index = periods.length - 1; index >= 0; index--) {
    const period = periods[index]!;
    if (period.timeOfDay !== null) {
      const seconds = (((time / 1000) % 86400) + 86400) % 86400;
      const { start, end } = period.timeOfDay;
      if (end < start ? seconds >= start || seconds < end : seconds >= start && seconds < end) return period;
    } else if (period.startsAt === null || time >= period.startsAt) {
      return period;
    }
  }
  return periods[0]!;
}

type PriceValue = number | TieredPrices | undefined;

/** The rate of one price key for a request of `inputTotal` tokens, and the tier start if above one. */
function rateFor(price: PriceValue, inputTotal: number): { rate: number; tierStart: number | null } | undefined {
  if (price === undefined) return undefined;
  if (typeof price === "number") return { rate: price, tierStart: null };
  let rate = price.base;
  let tierStart: number | null = null;
  // Whole-request tiers: once the request's input passes a tier's start, every token is at that rate.
  for (const tier of price.tiers) {
    if (inputTotal > tier.start) {
      rate = tier.price;
      tierStart = tier.start;
    }
  }
  return { rate, tierStart };
}

function listPrice(call: PricedTokens, prices: ModelPrice): { costUsd: number; tier: string | null } {
  const inputTotal = call.uncachedInput + call.cacheRead + call.cacheWrite5m + call.cacheWrite1h;
  const input = rateFor(prices.input_mtok, inputTotal);
  // A token kind without its own price is priced as its parent kind, as in the package's units.
  const cacheRead = rateFor(prices.cache_read_mtok, inputTotal) ?? input;
  const cacheWrite5m = rateFor(prices.cache_write_mtok, inputTotal) ?? input;
  const cacheWrite1h = rateFor(prices.cache_write_1h_mtok, inputTotal) ?? cacheWrite5m;
  const output = rateFor(prices.output_mtok, inputTotal);
  const perRequest = typeof prices.requests_kcount === "number" ? prices.requests_kcount / 1000 : 0;
  const costUsd =
    (call.uncachedInput * (input?.rate ?? 0) +
      call.cacheRead * (cacheRead?.rate ?? 0) +
      call.cacheWrite5m * (cacheWrite5m?.rate ?? 0) +
      call.cacheWrite1h * (cacheWrite1h?.rate ?? 0) +
      call.output * (output?.rate ?? 0)) /
      1e6 +
    perRequest;
  const tierStart = [input, cacheRead, cacheWrite5m, cacheWrite1h, output].reduce<number | null>(
    (highest, rate) =>
      rate?.tierStart != null && (highest === null || rate.tierStart > highest) ? rate.tierStart : highest,
    null,
  );
  return { costUsd, tier: tierStart === null ? null : `input>${tierStart}` };
}

/** Whether an override's model pattern names `model`: the exact name, or a prefix ending in `*`. */
export function patternMatches(pattern: string, model: string): boolean {
  return pattern.endsWith("*") ? model.startsWith(pattern.slice(0, -1)) : pattern === model;
}

function matchingOverride(model: string, timestamp: Date, overrides: readonly PriceOverride[]): PriceOverride | null {
  const time = timestamp.getTime();
  let best: PriceOverride | null = null;
  let bestExact = false;
  for (const override of overrides) {
    if (override.effectiveFrom.getTime() > time) continue;
    if (override.effectiveUntil !== null && override.effectiveUntil.getTime() <= time) continue;
    if (!patternMatches(override.model, model)) continue;
    const exact = override.model === model;
    // An exact name beats a prefix; then the most recent price; then the longest prefix.
    const better =
      best === null ||
      (exact && !bestExact) ||
      (exact === bestExact &&
        (override.effectiveFrom.getTime() > best.effectiveFrom.getTime() ||
          (override.effectiveFrom.getTime() === best.effectiveFrom.getTime() &&
            override.model.length > best.model.length)));
    if (better) {
      best = override;
      bestExact = exact;
    }
  }
  return best;
}

function fastMultiplier(model: string): number | null {
  const lower = model.toLowerCase();
  return FAST_MODE_MULTIPLIERS.find((entry) => lower.startsWith(entry.modelPrefix))?.multiplier ?? null;
}

/** Exact cost in 1e-12 USD of a call at explicit rates (tokens x micro-dollars per million). */
function ratesCost(call: PricedTokens, rates: OverrideRates): bigint {
  return (
    BigInt(call.uncachedInput) * rates.input +
    BigInt(call.cacheRead) * rates.cacheRead +
    BigInt(call.cacheWrite5m) * rates.cacheWrite5m +
    BigInt(call.cacheWrite1h) * rates.cacheWrite1h +
    BigInt(call.output) * rates.output
  );
}

const HUNDRED_PERCENT = 100_000_000n;

/** A cost in 1e-12 USD less a discount, rounded half up to 1e-12 USD. */
function discounted(units: bigint, percentMillionths: bigint): bigint {
  return (units * (HUNDRED_PERCENT - percentMillionths) + HUNDRED_PERCENT / 2n) / HUNDRED_PERCENT;
}

/** Dollars as whole 1e-12 USD, as the database stores them (numeric(24,12)). */
const toUnits = (usd: number) => BigInt(usd.toFixed(12).replace(".", ""));
/** Exact for any one call's cost: below 2^53 units the division gives the double nearest the 12-place decimal. */
const fromUnits = (units: bigint) => Number(units) / 1e12;

function listPriceOf(call: PricedTokens): CallPrice | null {
  const resolved = resolveModel(call.model);
  if (resolved === null) return null;
  const period = periodAt(resolved.periods, call.timestamp);
  const { costUsd, tier } = listPrice(call, period.prices);
  return { costUsd, priced: true, rule: `${resolved.ruleBase}@${period.label}`, tier };
}

/**
 * The cost of one call: a team override when one is in effect at the call's time (explicit rates,
 * or a discount on the list price), else the list price at the call's date. A discount on a model
 * the table does not know prices nothing: the call stays unpriced.
 */
export function priceCall(call: PricedTokens, overrides: readonly PriceOverride[] = []): CallPrice {
  const override = overrides.length > 0 ? matchingOverride(call.model, call.timestamp, overrides) : null;
  const multiplier = call.speed === "fast" ? fastMultiplier(call.model) : 1;
  const fastRule =
    call.speed !== "fast" ? "" : multiplier === null ? "+fast:no-multiplier-known" : `+fast:x${multiplier}`;
  const times = BigInt(multiplier ?? 1);
  if (override?.price.kind === "rates") {
    const units = ratesCost(call, override.price.rates) * times;
    return { costUsd: fromUnits(units), priced: true, rule: `override:${override.id}${fastRule}`, tier: null };
  }
  const list = listPriceOf(call);
  if (list === null) return { costUsd: 0, priced: false, rule: "unpriced", tier: null };
  if (override?.price.kind === "discount") {
    const units = discounted(toUnits(list.costUsd) * times, override.price.percentMillionths);
    return { ...list, costUsd: fromUnits(units), rule: `override:${override.id}:${list.rule}${fastRule}` };
  }
  return { ...list, costUsd: list.costUsd * (multiplier ?? 1), rule: `${list.rule}${fastRule}` };
}

/** USD per million tokens of each kind, below any long-context tier. */
export interface RatesPerM {
  input: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  cacheRead: number;
  output: number;
}

/** The list price of a model at a time (below long-context tiers), or null when the table does not know it. */
export function listRates(model: string, at: Date): RatesPerM | null {
  const resolved = resolveModel(model);
  if (resolved === null) return null;
  const prices = periodAt(resolved.periods, at).prices;
  const rate = (price: PriceValue) => rateFor(price, 0)?.rate;
  const input = rate(prices.input_mtok) ?? 0;
  const cacheWrite5m = rate(prices.cache_write_mtok) ?? input;
  return {
    input,
    cacheWrite5m,
    cacheWrite1h: rate(prices.cache_write_1h_mtok) ?? cacheWrite5m,
    cacheRead: rate(prices.cache_read_mtok) ?? input,
    output: rate(prices.output_mtok) ?? 0,
  };
}

/** The override in effect for a model at a time, if any. */
export function overrideInEffect(model: string, at: Date, overrides: readonly PriceOverride[]): PriceOverride | null {
  return matchingOverride(model, at, overrides);
}
