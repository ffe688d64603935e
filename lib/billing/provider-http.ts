/**
 * GET a provider's admin endpoint as JSON, with the retries its rate limits ask for: 429 and 5xx
 * are retried with exponential backoff, waiting what `retry-after` says when it says it (capped);
 * 401/403 become a BillingKeyRejectedError naming the status and the provider's own message.
 * The key travels in a header only; neither the key nor the headers appear in any error text.
 */
export class BillingKeyRejectedError extends Error {
  constructor(provider: string, status: number, detail: string) {
    super(
      `${provider} rejected the admin key (HTTP ${status}${detail ? `: ${detail}` : ""}); check that it is an admin key with access to usage and cost reports`,
    );
  }
}

export class ProviderHttpError extends Error {}

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** First backoff without retry-after; doubles each time. */
  baseDelayMs: number;
  /** No wait is longer than this, whatever retry-after says. */
  maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { attempts: 6, baseDelayMs: 1_000, maxDelayMs: 60_000 };

/** retry-after as seconds or an HTTP date; null when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | null {
  if (header === null || header.trim() === "") return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** The provider's error message from its JSON error body (both providers use {error: {message}}), bounded. */
function errorDetail(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown } };
    if (typeof parsed.error?.message === "string") return parsed.error.message.slice(0, 200);
  } catch {
    // not JSON: no detail
  }
  return "";
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function getProviderJson(
  provider: string,
  url: URL,
  headers: Record<string, string>,
  policy: RetryPolicy = defaultRetryPolicy,
): Promise<unknown> {
  for (let attempt = 1; ; attempt++) {
    let response: Response;
    try {
      response = await fetch(url, {
        headers: { accept: "application/json", ...headers },
        signal: AbortSignal.timeout(60_000),
      });
    } catch (error) {
      if (attempt >= policy.attempts)
        throw new ProviderHttpError(`${provider} did not answer ${url.pathname}: ${(error as Error).message}`);
      await sleep(Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1)));
      continue;
    }
    if (response.ok) return response.json();
    const body = await response.text();
    if (response.status === 401 || response.status === 403)
      throw new BillingKeyRejectedError(provider, response.status, errorDetail(body));
    const retryable = response.status === 429 || response.status >= 500;
    if (!retryable || attempt >= policy.attempts) {
      const detail = errorDetail(body);
      throw new ProviderHttpError(
        `${provider} answered ${url.pathname} with HTTP ${response.status}${detail ? `: ${detail}` : ""}${retryable ? ` after ${attempt} attempts` : ""}`,
      );
    }
    const wait = retryAfterMs(response.headers.get("retry-after")) ?? policy.baseDelayMs * 2 ** (attempt - 1);
    await sleep(Math.min(policy.maxDelayMs, wait));
  }
}
