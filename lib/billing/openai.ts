/**
 * OpenAI's organization usage and cost API, read with an admin key (`Authorization: Bearer`).
 *
 * Shapes as documented (checked 2026-11-30):
 * - GET /v1/organization/costs (https://platform.openai.com/docs/api-reference/usage/costs; the
 *   openapi spec as published in https://docs.rs/crate/openai-client-base/0.12.0 CostsResult):
 *   start_time (unix seconds, inclusive), end_time (exclusive), bucket_width=1d, group_by of
 *   project_id | line_item, limit <= 180 buckets, page = previous next_page. Answers {object:
 *   "page", data: [{object: "bucket", start_time, end_time, results: [{amount: {value, currency},
 *   line_item, project_id}]}], has_more, next_page}. `amount.value` is a number in DOLLARS.
 *   A line item reads "<model>, <kind>" (e.g. "gpt-4o-2024-08-06, input"); when it has that form
 *   the model and the kind (the cost type) are taken apart, otherwise the whole line item is the
 *   cost type and the model is ''.
 * - GET /v1/organization/usage/completions
 *   (https://docs.rs/crate/openai-client-base/0.16.0/source/src/models/usage_completions_result.rs):
 *   the same range and pagination, group_by=model, limit <= 31; results carry input_tokens, which
 *   INCLUDES input_cached_tokens, and output_tokens. Uncached input = input - cached.
 */
import { z } from "zod";
import { addDays, dayOf, dayStart } from "@/lib/days";
import { Prisma } from "@/lib/generated/prisma/client";
import { getProviderJson, type RetryPolicy } from "./provider-http";
import { BilledLines, type DayRange, forEachPage, type ProviderPull, providerBaseUrl } from "./provider-pull";

const count = z.number().int().nonnegative().catch(0);

const costsSchema = z.object({
  data: z.array(
    z.object({
      start_time: z.number(),
      results: z.array(
        z.object({
          amount: z.object({ value: z.number(), currency: z.string().optional() }),
          line_item: z.string().nullish(),
        }),
      ),
    }),
  ),
  has_more: z.boolean(),
  next_page: z.string().nullable(),
});

const completionsSchema = z.object({
  data: z.array(
    z.object({
      start_time: z.number(),
      results: z.array(
        z.object({
          model: z.string().nullish(),
          input_tokens: count,
          input_cached_tokens: count.optional(),
          output_tokens: count,
        }),
      ),
    }),
  ),
  has_more: z.boolean(),
  next_page: z.string().nullable(),
});

const unixSeconds = (day: string) => String(dayStart(day).getTime() / 1000);

/** "gpt-4o-2024-08-06, input" -> model and cost type; anything else is a cost type without a model. */
export function splitLineItem(lineItem: string | null | undefined): { model: string; costType: string } {
  if (!lineItem) return { model: "", costType: "other" };
  const comma = lineItem.indexOf(", ");
  if (comma <= 0) return { model: "", costType: lineItem };
  return { model: lineItem.slice(0, comma), costType: lineItem.slice(comma + 2) };
}

export async function pullOpenAi(adminKey: string, range: DayRange, retry?: RetryPolicy): Promise<ProviderPull> {
  const base = providerBaseUrl("openai");
  const headers = { authorization: `Bearer ${adminKey}` };
  const get = async <T>(
    path: string,
    params: [string, string][],
    schema: z.ZodType<T>,
    page: string | null,
  ): Promise<T> => {
    const url = new URL(`${base}${path}`);
    for (const [name, value] of params) url.searchParams.append(name, value);
    if (page) url.searchParams.set("page", page);
    return schema.parse(await getProviderJson("OpenAI", url, headers, retry));
  };
  const window: [string, string][] = [
    ["start_time", unixSeconds(range.from)],
    ["end_time", unixSeconds(addDays(range.to, 1))],
    ["bucket_width", "1d"],
  ];
  const lines = new BilledLines();

  await forEachPage(
    (page) =>
      get("/v1/organization/costs", [...window, ["group_by", "line_item"], ["limit", "180"]], costsSchema, page),
    (page) => {
      for (const bucket of page.data) {
        for (const result of bucket.results) {
          const { model, costType } = splitLineItem(result.line_item);
          // The float as OpenAI printed it, not its binary expansion.
          lines.addCost(
            dayOf(bucket.start_time * 1000),
            model,
            costType,
            new Prisma.Decimal(String(result.amount.value)),
          );
        }
      }
    },
  );

  await forEachPage(
    (page) =>
      get(
        "/v1/organization/usage/completions",
        [...window, ["group_by", "model"], ["limit", "31"]],
        completionsSchema,
        page,
      ),
    (page) => {
      for (const bucket of page.data) {
        for (const result of bucket.results) {
          const cached = result.input_cached_tokens ?? 0;
          lines.addTokens(dayOf(bucket.start_time * 1000), result.model ?? "", {
            inputTokens: Math.max(0, result.input_tokens - cached),
            outputTokens: result.output_tokens,
            cacheWriteTokens: 0,
            cacheReadTokens: cached,
          });
        }
      }
    },
  );
  return { billed: lines.inRange(range), activity: [] };
}
