/** What the Prices page (and anything else that sets a team price) may send, validated with zod. */
import { z } from "zod";
import { isoDaySchema } from "@/lib/queries/params";

/** Postgres text cannot hold NUL; a model name is what the traces wrote, so only control characters are refused. */
const CONTROL = /[\u0000-\u001f\u007f]/;

/** An exact model name, or a prefix ending in `*` (no other `*`); `*` alone is every model. */
export const modelPatternSchema = z
  .string()
  .trim()
  .min(1, "a model name, or a prefix ending in *")
  .max(512)
  .refine((value) => !CONTROL.test(value), "no control characters")
  .refine((value) => !value.slice(0, -1).includes("*"), "* only at the end (a prefix)");

/**
 * A decimal with at most `scale` places, kept as text so that it reaches numeric columns and the
 * exact cost arithmetic without binary rounding (0.1 stays 0.1).
 */
const decimal = (scale: number, max: number, what: string) =>
  z
    .union([z.string(), z.number()])
    .transform((value) => String(value).trim())
    .refine(
      (value) => new RegExp(`^\\d{1,12}(\\.\\d{1,${scale}})?$`).test(value),
      `${what}: a number with at most ${scale} decimals`,
    )
    .refine((value) => Number(value) <= max, `${what}: at most ${max}`);

/** USD per million tokens. */
const perM = (what: string) => decimal(6, 1_000_000, what);

export const overridePriceSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("discount"),
    /** Percent off the list price, above 0 and at most 100. */
    percent: decimal(6, 100, "percent").refine((value) => Number(value) > 0, "percent: above 0"),
  }),
  z.object({
    kind: z.literal("rates"),
    input: perM("input"),
    cacheWrite5m: perM("cache write 5m"),
    cacheWrite1h: perM("cache write 1h"),
    cacheRead: perM("cache read"),
    output: perM("output"),
  }),
]);

export const priceOverrideInputSchema = z
  .object({
    model: modelPatternSchema,
    /** First day covered (UTC). */
    from: isoDaySchema,
    /** Last day covered (UTC), inclusive; absent: open-ended. */
    until: isoDaySchema.nullish(),
    price: overridePriceSchema,
  })
  .superRefine((input, ctx) => {
    if (input.until != null && input.until < input.from)
      ctx.addIssue({
        code: "custom",
        path: ["until"],
        message: `until (${input.until}) is before from (${input.from})`,
      });
  });

export type PriceOverrideInput = z.output<typeof priceOverrideInputSchema>;
