/**
 * A local stand-in for Anthropic's and OpenAI's admin usage and cost endpoints (node:http on
 * 127.0.0.1), answering in their documented shapes (see ../anthropic.ts and ../openai.ts for the
 * pages): daily buckets, `has_more`/`next_page` pagination a few buckets or records at a time,
 * Anthropic amounts as decimal strings in cents, OpenAI amounts as numbers in dollars, 401 for any
 * other key, and optionally 429 (with retry-after) before answering. Used by the sync tests and
 * the browser test; it imports nothing from the app so Playwright can load it as it is.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface AnthropicCostLine {
  day: string;
  model: string | null;
  costType: string;
  cents: string;
}
export interface AnthropicUsageLine {
  day: string;
  model: string;
  uncached: number;
  cacheRead: number;
  cache5m: number;
  cache1h: number;
  output: number;
}
export interface ClaudeCodeRecord {
  day: string;
  email: string;
  customerType: "api" | "subscription";
  sessions: number;
  added: number;
  removed: number;
  commits: number;
  pullRequests: number;
  costCents: number[];
}
export interface OpenAiCostLine {
  day: string;
  lineItem: string | null;
  dollars: number;
}
export interface OpenAiUsageLine {
  day: string;
  model: string;
  input: number;
  cached: number;
  output: number;
}

export interface StandInData {
  anthropic: { costs: AnthropicCostLine[]; usage: AnthropicUsageLine[]; claudeCode: ClaudeCodeRecord[] };
  openai: { costs: OpenAiCostLine[]; usage: OpenAiUsageLine[] };
}

export interface StandInOptions {
  /** The one admin key the stand-in accepts (for both providers). */
  adminKey: string;
  data: StandInData;
  /** Buckets (or Claude Code records) per page: small, so that every sync paginates. */
  pageSize?: number;
  port?: number;
}

export interface ProviderStandIn {
  url: string;
  /** Every request: method, path and query, and which auth headers it carried (never their values). */
  requests: {
    path: string;
    query: URLSearchParams;
    apiKeyHeader: boolean;
    anthropicVersion: string | null;
    bearer: boolean;
  }[];
  /** The next `count` requests are answered 429 with this retry-after (seconds). */
  throttleNext(count: number, retryAfterSeconds: number): void;
  /** The next `count` requests are answered 503 without retry-after. */
  failNext(count: number): void;
  close(): Promise<void>;
}

const DAY_MS = 86_400_000;
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function page<T>(items: T[], cursor: string | null, size: number) {
  const start = cursor ? Number(Buffer.from(cursor, "base64url").toString("utf8")) : 0;
  const end = start + size;
  const more = end < items.length;
  return {
    items: items.slice(start, end),
    has_more: more,
    next_page: more ? Buffer.from(String(end)).toString("base64url") : null,
  };
}

/** The days whose buckets start in [startMs, endMs). */
function bucketDays(startMs: number, endMs: number): string[] {
  const days: string[] = [];
  for (let ms = Math.floor(startMs / DAY_MS) * DAY_MS; ms < endMs; ms += DAY_MS) days.push(dayOf(ms));
  return days;
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  response.writeHead(status, { "content-type": "application/json", ...headers });
  response.end(JSON.stringify(body));
}

export async function startProviderStandIn(options: StandInOptions): Promise<ProviderStandIn> {
  const size = options.pageSize ?? 2;
  const { anthropic, openai } = options.data;
  const requests: ProviderStandIn["requests"] = [];
  let throttle = { count: 0, retryAfter: 0 };
  let failures = 0;

  const handle = (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? "/", "http://stand-in");
    const q = url.searchParams;
    const apiKey = request.headers["x-api-key"];
    const authorization = request.headers.authorization;
    requests.push({
      path: url.pathname,
      query: q,
      apiKeyHeader: typeof apiKey === "string",
      anthropicVersion: (request.headers["anthropic-version"] as string) ?? null,
      bearer: typeof authorization === "string" && authorization.startsWith("Bearer "),
    });
    if (throttle.count > 0) {
      throttle.count -= 1;
      return send(
        response,
        429,
        { error: { type: "rate_limit_error", message: "slow down" } },
        { "retry-after": String(throttle.retryAfter) },
      );
    }
    if (failures > 0) {
      failures -= 1;
      return send(response, 503, { error: { type: "overloaded_error", message: "overloaded" } });
    }
    const cursor = q.get("page");

    if (url.pathname.startsWith("/v1/organizations/")) {
      if (apiKey !== options.adminKey)
        return send(response, 401, {
          type: "error",
          error: { type: "authentication_error", message: "invalid x-api-key" },
        });
      if (!request.headers["anthropic-version"])
        return send(response, 400, {
          type: "error",
          error: { type: "invalid_request_error", message: "anthropic-version header is required" },
        });
      if (url.pathname === "/v1/organizations/usage_report/claude_code") {
        const day = q.get("starting_at") ?? "";
        const records = anthropic.claudeCode.filter((record) => record.day === day);
        const { items, has_more, next_page } = page(records, cursor, size);
        return send(response, 200, {
          data: items.map((record) => ({
            date: `${record.day}T00:00:00Z`,
            actor: { type: "user_actor", email_address: record.email },
            organization_id: "12345678-1234-5678-1234-567812345678",
            customer_type: record.customerType,
            terminal_type: "vscode",
            core_metrics: {
              num_sessions: record.sessions,
              lines_of_code: { added: record.added, removed: record.removed },
              commits_by_claude_code: record.commits,
              pull_requests_by_claude_code: record.pullRequests,
            },
            tool_actions: { edit_tool: { accepted: 3, rejected: 1 }, write_tool: { accepted: 1, rejected: 0 } },
            model_breakdown: record.costCents.map((amount, index) => ({
              model: index === 0 ? "claude-sonnet-4-20250514" : "claude-opus-4-20250514",
              tokens: { input: 100, output: 50, cache_read: 10, cache_creation: 5 },
              estimated_cost: { currency: "USD", amount },
            })),
          })),
          has_more,
          next_page,
        });
      }
      const start = Date.parse(q.get("starting_at") ?? "");
      const end = q.get("ending_at") ? Date.parse(q.get("ending_at")!) : start + 7 * DAY_MS;
      const days = bucketDays(start, end);
      const { items, has_more, next_page } = page(days, cursor, size);
      const bucket = (day: string, results: unknown[]) => ({
        starting_at: `${day}T00:00:00Z`,
        ending_at: `${dayOf(Date.parse(day) + DAY_MS)}T00:00:00Z`,
        results,
      });
      if (url.pathname === "/v1/organizations/cost_report") {
        return send(response, 200, {
          data: items.map((day) =>
            bucket(
              day,
              anthropic.costs
                .filter((line) => line.day === day)
                .map((line) => ({
                  currency: "USD",
                  amount: line.cents,
                  workspace_id: null,
                  description: line.model ? `${line.model} usage` : "Web search",
                  cost_type: line.costType,
                  context_window: line.costType === "tokens" ? "0-200k" : null,
                  model: line.model,
                  service_tier: "standard",
                  token_type: line.costType === "tokens" ? "output_tokens" : null,
                })),
            ),
          ),
          has_more,
          next_page,
        });
      }
      if (url.pathname === "/v1/organizations/usage_report/messages") {
        return send(response, 200, {
          data: items.map((day) =>
            bucket(
              day,
              anthropic.usage
                .filter((line) => line.day === day)
                .map((line) => ({
                  uncached_input_tokens: line.uncached,
                  cache_creation: { ephemeral_1h_input_tokens: line.cache1h, ephemeral_5m_input_tokens: line.cache5m },
                  cache_read_input_tokens: line.cacheRead,
                  output_tokens: line.output,
                  server_tool_use: { web_search_requests: 0 },
                  api_key_id: null,
                  workspace_id: null,
                  model: line.model,
                  service_tier: null,
                  context_window: null,
                })),
            ),
          ),
          has_more,
          next_page,
        });
      }
      return send(response, 404, { type: "error", error: { type: "not_found_error", message: "no such endpoint" } });
    }

    if (url.pathname.startsWith("/v1/organization/")) {
      if (authorization !== `Bearer ${options.adminKey}`)
        return send(response, 401, {
          error: { message: "Incorrect API key provided", type: "invalid_request_error", code: "invalid_api_key" },
        });
      const start = Number(q.get("start_time")) * 1000;
      const end = q.get("end_time") ? Number(q.get("end_time")) * 1000 : start + 7 * DAY_MS;
      const { items, has_more, next_page } = page(bucketDays(start, end), cursor, size);
      const bucket = (day: string, results: unknown[]) => ({
        object: "bucket",
        start_time: Date.parse(day) / 1000,
        end_time: Date.parse(day) / 1000 + 86_400,
        results,
      });
      if (url.pathname === "/v1/organization/costs") {
        return send(response, 200, {
          object: "page",
          data: items.map((day) =>
            bucket(
              day,
              openai.costs
                .filter((line) => line.day === day)
                .map((line) => ({
                  object: "organization.costs.result",
                  amount: { value: line.dollars, currency: "usd" },
                  line_item: line.lineItem,
                  project_id: null,
                })),
            ),
          ),
          has_more,
          next_page,
        });
      }
      if (url.pathname === "/v1/organization/usage/completions") {
        return send(response, 200, {
          object: "page",
          data: items.map((day) =>
            bucket(
              day,
              openai.usage
                .filter((line) => line.day === day)
                .map((line) => ({
                  object: "organization.usage.completions.result",
                  input_tokens: line.input,
                  output_tokens: line.output,
                  input_cached_tokens: line.cached,
                  input_audio_tokens: 0,
                  output_audio_tokens: 0,
                  num_model_requests: 5,
                  project_id: null,
                  user_id: null,
                  api_key_id: null,
                  model: line.model,
                  batch: null,
                })),
            ),
          ),
          has_more,
          next_page,
        });
      }
      return send(response, 404, { error: { message: "no such endpoint", type: "invalid_request_error" } });
    }
    return send(response, 404, { error: { message: "no such endpoint" } });
  };

  const server: Server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    throttleNext(count, retryAfterSeconds) {
      throttle = { count, retryAfter: retryAfterSeconds };
    },
    failNext(count) {
      failures = count;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
