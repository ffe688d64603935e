import { calcPrice } from "@pydantic/genai-prices";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type OverrideRates, type PricedTokens, type PriceOverride, priceCall } from "./price-book";

const call = (overrides: Partial<PricedTokens>): PricedTokens => ({
  model: "claude-opus-4-6",
  timestamp: new Date("2026-02-10T10:00:00Z"),
  uncachedInput: 0,
  cacheRead: 0,
  cacheWrite5m: 0,
  cacheWrite1h: 0,
  output: 0,
  speed: "standard",
  ...overrides,
});

describe("list prices (SOURCES.md per-million figures)", () => {
  it("prices Opus 4.6 input, output, 5m and 1h cache writes and cache reads", () => {
    const price = priceCall(
      call({ uncachedInput: 1e5, output: 1e5, cacheWrite5m: 1e5, cacheWrite1h: 1e5, cacheRead: 0 }),
    );
    // 0.1M x (5 + 25 + 6.25 + 10); the request's input is 300k, above the 200k line: see the tier test.
    expect(price.priced).toBe(true);
    expect(price.tier).toBe("input>200000");
    expect(price.costUsd).toBeCloseTo(0.1 * (10 + 37.5 + 12.5 + 20), 9);
    const small = priceCall(
      call({ uncachedInput: 1000, output: 1000, cacheWrite5m: 1000, cacheWrite1h: 1000, cacheRead: 1000 }),
    );
    expect(small.costUsd).toBeCloseTo(0.001 * (5 + 25 + 6.25 + 10 + 0.5), 12);
    expect(small.rule).toBe("genai-prices:anthropic/claude-opus-4-6@base");
    expect(small.tier).toBeNull();
  });

  it("prices Codex cached input as a part of input (uncached x input + cached x cached price)", () => {
    const price = priceCall(call({ model: "gpt-5.3-codex", uncachedInput: 1e6, cacheRead: 1e6, output: 1e6 }));
    expect(price.costUsd).toBeCloseTo(1.75 + 0.175 + 14, 9);
  });

  it("applies the long-context tier to the whole request once its input passes 200k", () => {
    const below = priceCall(
      call({ model: "claude-sonnet-4-5-20250929", cacheRead: 199_000, uncachedInput: 1000, output: 1000 }),
    );
    const above = priceCall(
      call({ model: "claude-sonnet-4-5-20250929", cacheRead: 199_000, uncachedInput: 1001, output: 1000 }),
    );
    expect(below.tier).toBeNull();
    expect(below.costUsd).toBeCloseTo((199_000 * 0.3 + 1000 * 3 + 1000 * 15) / 1e6, 12);
    expect(above.tier).toBe("input>200000");
    // Every token at the higher rate, not only the ones above the line.
    expect(above.costUsd).toBeCloseTo((199_000 * 0.6 + 1001 * 6 + 1000 * 22.5) / 1e6, 12);
  });

  it("uses the price in effect at the call's date", () => {
    const before = priceCall(call({ timestamp: new Date("2026-03-12T12:00:00Z"), cacheRead: 300_000 }));
    const after = priceCall(call({ timestamp: new Date("2026-03-13T12:00:00Z"), cacheRead: 300_000 }));
    expect(before.costUsd).toBeCloseTo(0.3, 12);
    expect(after.costUsd).toBeCloseTo(0.15, 12);
    expect(after.rule).toBe("genai-prices:anthropic/claude-opus-4-6@2026-03-13");
  });

  it("multiplies fast mode by 6 on Opus 4.6 and says when it knows no multiplier", () => {
    const standard = priceCall(call({ output: 1000 }));
    const fast = priceCall(call({ output: 1000, speed: "fast" }));
    expect(fast.costUsd).toBeCloseTo(standard.costUsd * 6, 12);
    expect(fast.rule).toContain("+fast:x6");
    expect(priceCall(call({ model: "claude-sonnet-4-5", output: 1000, speed: "fast" })).rule).toContain(
      "fast:no-multiplier-known",
    );
  });

  it("reports an unknown model as unpriced, never as a silent $0", () => {
    expect(priceCall(call({ model: "claude-imaginary-9", output: 1000 }))).toEqual({
      costUsd: 0,
      priced: false,
      rule: "unpriced",
      tier: null,
    });
  });

  it("agrees with genai-prices' own calcPrice on any usage", () => {
    const models = [
      "claude-opus-4-6",
      "claude-sonnet-4-5-20250929",
      "claude-sonnet-4-20250514",
      "claude-haiku-4-5-20251001",
      "gpt-5.3-codex",
      "gpt-5.2-codex",
      "gemini-2.5-pro",
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...models),
        fc.record({
          uncachedInput: fc.nat(400_000),
          cacheRead: fc.nat(400_000),
          cacheWrite5m: fc.nat(100_000),
          cacheWrite1h: fc.nat(100_000),
          output: fc.nat(100_000),
        }),
        fc.date({ min: new Date("2025-06-01T00:00:00Z"), max: new Date("2026-12-31T00:00:00Z"), noInvalidDate: true }),
        (model, tokens, timestamp) => {
          const openai = model.startsWith("gpt");
          const usage = openai ? { ...tokens, cacheWrite5m: 0, cacheWrite1h: 0 } : tokens;
          const ours = priceCall(call({ model, timestamp, ...usage }));
          const theirs = calcPrice(
            {
              input_tokens: usage.uncachedInput + usage.cacheRead + usage.cacheWrite5m + usage.cacheWrite1h,
              cache_read_tokens: usage.cacheRead,
              cache_write_tokens: usage.cacheWrite5m + usage.cacheWrite1h,
              cache_write_1h_tokens: usage.cacheWrite1h,
              output_tokens: usage.output,
            },
            model,
            { timestamp },
          );
          expect(theirs).not.toBeNull();
          expect(Math.abs(ours.costUsd - theirs!.total_price)).toBeLessThan(1e-9);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("team overrides", () => {
  const rates = (input: bigint): OverrideRates => ({
    input,
    cacheWrite5m: 0n,
    cacheWrite1h: 0n,
    cacheRead: 0n,
    output: 0n,
  });
  const override = (
    id: string,
    model: string,
    effectiveFrom: string,
    inputPerM: number,
    effectiveUntil: string | null = null,
  ): PriceOverride => ({
    id,
    model,
    effectiveFrom: new Date(effectiveFrom),
    effectiveUntil: effectiveUntil === null ? null : new Date(effectiveUntil),
    price: { kind: "rates", rates: rates(BigInt(inputPerM) * 1_000_000n) },
  });

  it("wins over list prices once effective; exact names beat prefixes; newest wins", () => {
    const overrides = [
      override("prefix", "claude-opus-*", "2026-01-01T00:00:00Z", 1),
      override("exact-old", "claude-opus-4-6", "2026-01-01T00:00:00Z", 2),
      override("exact-new", "claude-opus-4-6", "2026-02-01T00:00:00Z", 3),
      override("future", "claude-opus-4-6", "2027-01-01T00:00:00Z", 4),
    ];
    const price = priceCall(call({ uncachedInput: 1e6 }), overrides);
    expect(price).toEqual({ costUsd: 3, priced: true, rule: "override:exact-new", tier: null });
    expect(priceCall(call({ model: "claude-opus-4-5", uncachedInput: 1e6 }), overrides).rule).toBe("override:prefix");
    expect(
      priceCall(call({ uncachedInput: 1e6, timestamp: new Date("2025-12-01T00:00:00Z") }), overrides).rule,
    ).toMatch(/^genai-prices:/);
  });

  it("ends at effectiveUntil (exclusive): the list price, or unpriced, again from then on", () => {
    const overrides = [override("feb", "acme-coder-1", "2026-02-01T00:00:00Z", 2, "2026-03-01T00:00:00Z")];
    const at = (timestamp: string) =>
      priceCall(call({ model: "acme-coder-1", uncachedInput: 1e6, timestamp: new Date(timestamp) }), overrides);
    expect(at("2026-01-31T23:59:59.999Z").priced).toBe(false);
    expect(at("2026-02-01T00:00:00Z").costUsd).toBe(2);
    expect(at("2026-02-28T23:59:59.999Z").costUsd).toBe(2);
    expect(at("2026-03-01T00:00:00Z")).toEqual({ costUsd: 0, priced: false, rule: "unpriced", tier: null });
  });

  it("prices explicit rates exactly to 1e-12 USD, whatever the counts", () => {
    const exact: PriceOverride = {
      id: "x",
      model: "acme-*",
      effectiveFrom: new Date(0),
      effectiveUntil: null,
      // 0.000001, 3.75, 6.1, 0.3, 15.123456 USD per million tokens
      price: {
        kind: "rates",
        rates: {
          input: 1n,
          cacheWrite5m: 3_750_000n,
          cacheWrite1h: 6_100_000n,
          cacheRead: 300_000n,
          output: 15_123_456n,
        },
      },
    };
    const count = fc.integer({ min: 0, max: 10_000_000 });
    fc.assert(
      fc.property(count, count, count, count, count, (uncachedInput, cacheWrite5m, cacheWrite1h, cacheRead, output) => {
        const price = priceCall(
          call({ model: "acme-coder", uncachedInput, cacheWrite5m, cacheWrite1h, cacheRead, output }),
          [exact],
        );
        const units =
          BigInt(uncachedInput) * 1n +
          BigInt(cacheWrite5m) * 3_750_000n +
          BigInt(cacheWrite1h) * 6_100_000n +
          BigInt(cacheRead) * 300_000n +
          BigInt(output) * 15_123_456n;
        const text = units.toString().padStart(13, "0");
        expect(price.costUsd.toFixed(12)).toBe(`${text.slice(0, -12)}.${text.slice(-12)}`);
      }),
      { numRuns: 500 },
    );
  });

  it("takes a discount off the list price (rounded half up to 1e-12 USD); a discount prices no unknown model", () => {
    const discount: PriceOverride = {
      id: "d",
      model: "claude-sonnet-4-5",
      effectiveFrom: new Date(0),
      effectiveUntil: null,
      price: { kind: "discount", percentMillionths: 12_500_000n },
    };
    // Sonnet 4.5 list: $3 input, $15 output per million: 1,000 + 1,000 tokens cost $0.018; 12.5% off: $0.01575.
    const price = priceCall(call({ model: "claude-sonnet-4-5", uncachedInput: 1000, output: 1000 }), [discount]);
    expect(price.costUsd.toFixed(12)).toBe("0.015750000000");
    expect(price.rule).toBe("override:d:genai-prices:anthropic/claude-sonnet-4-5@base");
    const unknown = { ...discount, model: "acme-coder-1" };
    expect(priceCall(call({ model: "acme-coder-1", uncachedInput: 1000 }), [unknown]).priced).toBe(false);
  });
});
