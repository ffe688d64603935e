/** Prices a handful of tokens of given kinds on a given call's model, date and speed (counterfactuals). */
import { type PriceOverride, priceCall } from "@/lib/pricing/price-book";
import type { WasteCall } from "./types";

export type InputKind = "uncachedInput" | "cacheRead" | "cacheWrite5m" | "cacheWrite1h";

/**
 * The cost of `tokens` on `call`'s model at its date, as if sent alone. Long-context tiers depend
 * on a whole request, so they are not applied to a slice of one: above 200k tokens of context
 * this slightly under-states the waste, never over-states it.
 */
export function priceTokens(
  call: WasteCall,
  tokens: Partial<Record<InputKind | "output", number>>,
  overrides: readonly PriceOverride[],
): number {
  return priceCall(
    {
      model: call.model,
      timestamp: call.timestamp,
      speed: call.speed,
      uncachedInput: 0,
      cacheRead: 0,
      cacheWrite5m: 0,
      cacheWrite1h: 0,
      output: 0,
      ...tokens,
    },
    overrides,
  ).costUsd;
}

/** How a call took in content that was new to it: written to the cache (as it mostly wrote), else uncached. */
export function newContentKind(call: WasteCall): InputKind {
  if (call.cacheWrite5m === 0 && call.cacheWrite1h === 0) return "uncachedInput";
  return call.cacheWrite1h > call.cacheWrite5m ? "cacheWrite1h" : "cacheWrite5m";
}
