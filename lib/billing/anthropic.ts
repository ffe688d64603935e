/**
 * Anthropic's Admin API, read with an admin key (`x-api-key`) and `anthropic-version`.
 *
 * Shapes as documented (checked 2026-11-30):
 * - GET /v1/organizations/cost_report (https://platform.claude.com/docs/en/api/admin/cost_report.md):
 *   starting_at / ending_at (RFC 3339, ending exclusive), bucket_width=1d, group_by[] of
 *   workspace_id | description, limit <= 31 buckets, page = previous next_page. Answers
 *   {data: [{starting_at, ending_at, results: [{amount, currency, model, cost_type, token_type,
 *   context_window, service_tier, workspace_id, description}]}], has_more, next_page}. `amount` is
 *   a decimal STRING in the currency's lowest unit: cents of USD ("123.45" is $1.2345), see also
 *   https://platform.claude.com/docs/en/manage-claude/usage-cost-api. Grouping by description is
 *   what fills model and cost_type. Priority Tier costs are not in this endpoint.
 * - GET /v1/organizations/usage_report/messages
 *   (https://platform.claude.com/docs/en/api/admin-api/usage-cost/get-messages-usage-report.md):
 *   the same range and pagination, group_by[]=model; results carry uncached_input_tokens,
 *   cache_creation.{ephemeral_5m_input_tokens, ephemeral_1h_input_tokens},
 *   cache_read_input_tokens, output_tokens.
 * - GET /v1/organizations/usage_report/claude_code
 *   (https://platform.claude.com/docs/en/api/beta/organization/usage_report/retrieve_claude_code.md):
 *   one UTC day per request (starting_at=YYYY-MM-DD), limit <= 1000 records, has_more/next_page;
 *   each record: actor (user_actor with email_address, or api_actor with api_key_name),
 *   customer_type (api | subscription), core_metrics {num_sessions, lines_of_code {added,
 *   removed}, commits_by_claude_code, pull_requests_by_claude_code}, model_breakdown[] with
 *   estimated_cost {currency, amount} in cents.
 */
import { z } from "zod";
import { addDays } from "@/lib/days";
import { Prisma } from "@/lib/generated/prisma/client";
import { getProviderJson, type RetryPolicy } from "./provider-http";
import {
  type ActivityLine,
  BilledLines,
  type DayRange,
  daysOf,
  forEachPage,
  type ProviderPull,
  providerBaseUrl,
} from "./provider-pull";

export const anthropicVersion = "2023-06-01";

const count = z.number().int().nonnegative().catch(0);

const costReportSchema = z.object({
  data: z.array(
    z.object({
      starting_at: z.string(),
      results: z.array(
        z.object({
          amount: z.string().regex(/^-?\d+(\.\d+)?$/, "a decimal string"),
          currency: z.string().optional(),
          model: z.string().nullish(),
          cost_type: z.string().nullish(),
        }),
      ),
    }),
  ),
  has_more: z.boolean(),
  next_page: z.string().nullable(),
});

const messagesUsageSchema = z.object({
  data: z.array(
    z.object({
      starting_at: z.string(),
      results: z.array(
        z.object({
          model: z.string().nullish(),
          uncached_input_tokens: count,
          cache_read_input_tokens: count,
          cache_creation: z
            .object({ ephemeral_5m_input_tokens: count, ephemeral_1h_input_tokens: count })
            .partial()
            .nullish(),
          output_tokens: count,
        }),
      ),
    }),
  ),
  has_more: z.boolean(),
  next_page: z.string().nullable(),
});

const claudeCodeSchema = z.object({
  data: z.array(
    z.object({
      actor: z.union([
        z.object({ type: z.literal("user_actor"), email_address: z.string() }),
        z.object({ type: z.literal("api_actor"), api_key_name: z.string() }),
      ]),
      customer_type: z.string().default("api"),
      core_metrics: z.object({
        num_sessions: count,
        lines_of_code: z.object({ added: count, removed: count }),
        commits_by_claude_code: count,
        pull_requests_by_claude_code: count,
      }),
      model_breakdown: z
        .array(z.object({ estimated_cost: z.object({ amount: z.union([z.number(), z.string()]) }) }))
        .default([]),
    }),
  ),
  has_more: z.boolean(),
  next_page: z.string().nullable(),
});

const centsToUsd = (cents: string | number) => new Prisma.Decimal(cents).div(100);

export async function pullAnthropic(adminKey: string, range: DayRange, retry?: RetryPolicy): Promise<ProviderPull> {
  const base = providerBaseUrl("anthropic");
  const headers = { "x-api-key": adminKey, "anthropic-version": anthropicVersion };
  const get = async <T>(
    path: string,
    params: [string, string][],
    schema: z.ZodType<T>,
    page: string | null,
  ): Promise<T> => {
    const url = new URL(`${base}${path}`);
    for (const [name, value] of params) url.searchParams.append(name, value);
    if (page) url.searchParams.set("page", page);
    return schema.parse(await getProviderJson("Anthropic", url, headers, retry));
  };
  const window: [string, string][] = [
    ["starting_at", `${range.from}T00:00:00Z`],
    ["ending_at", `${addDays(range.to, 1)}T00:00:00Z`],
    ["bucket_width", "1d"],
    ["limit", "31"],
  ];
  const lines = new BilledLines();

  await forEachPage(
    (page) => get("/v1/organizations/cost_report", [...window, ["group_by[]", "description"]], costReportSchema, page),
    (page) => {
      for (const bucket of page.data) {
        const day = bucket.starting_at.slice(0, 10);
        for (const result of bucket.results)
          lines.addCost(day, result.model ?? "", result.cost_type ?? "other", centsToUsd(result.amount));
      }
    },
  );

  await forEachPage(
    (page) =>
      get("/v1/organizations/usage_report/messages", [...window, ["group_by[]", "model"]], messagesUsageSchema, page),
    (page) => {
      for (const bucket of page.data) {
        const day = bucket.starting_at.slice(0, 10);
        for (const result of bucket.results) {
          lines.addTokens(day, result.model ?? "", {
            inputTokens: result.uncached_input_tokens,
            outputTokens: result.output_tokens,
            cacheWriteTokens:
              (result.cache_creation?.ephemeral_5m_input_tokens ?? 0) +
              (result.cache_creation?.ephemeral_1h_input_tokens ?? 0),
            cacheReadTokens: result.cache_read_input_tokens,
          });
        }
      }
    },
  );

  const activity: ActivityLine[] = [];
  for (const day of daysOf(range)) {
    await forEachPage(
      (page) =>
        get(
          "/v1/organizations/usage_report/claude_code",
          [
            ["starting_at", day],
            ["limit", "1000"],
          ],
          claudeCodeSchema,
          page,
        ),
      (page) => {
        for (const record of page.data) {
          activity.push({
            day,
            actor:
              record.actor.type === "user_actor"
                ? record.actor.email_address.toLowerCase()
                : `api-key:${record.actor.api_key_name}`,
            customerType: record.customer_type,
            sessions: record.core_metrics.num_sessions,
            linesAdded: record.core_metrics.lines_of_code.added,
            linesRemoved: record.core_metrics.lines_of_code.removed,
            commits: record.core_metrics.commits_by_claude_code,
            pullRequests: record.core_metrics.pull_requests_by_claude_code,
            estimatedCostUsd: record.model_breakdown.reduce(
              (sum, model) => sum.plus(centsToUsd(model.estimated_cost.amount)),
              new Prisma.Decimal(0),
            ),
          });
        }
      },
    );
  }
  return { billed: lines.inRange(range), activity: mergeActivity(activity) };
}

/** One row per day and actor (a user on two terminals comes back as two records). */
function mergeActivity(records: ActivityLine[]): ActivityLine[] {
  const merged = new Map<string, ActivityLine>();
  for (const record of records) {
    const key = `${record.day}\u0000${record.actor}`;
    const seen = merged.get(key);
    if (!seen) {
      merged.set(key, { ...record });
      continue;
    }
    seen.sessions += record.sessions;
    seen.linesAdded += record.linesAdded;
    seen.linesRemoved += record.linesRemoved;
    seen.commits += record.commits;
    seen.pullRequests += record.pullRequests;
    seen.estimatedCostUsd = seen.estimatedCostUsd.plus(record.estimatedCostUsd);
    // A subscription seat anywhere that day makes the day's usage a subscription's.
    if (record.customerType === "subscription") seen.customerType = "subscription";
  }
  return [...merged.values()];
}
