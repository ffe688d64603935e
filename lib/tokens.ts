/** The token fields of docs/CONTRACT.md, everywhere a total is reported (API, CLI, pages). */
export interface Tokens {
  /** Uncached input. */
  inputTokens: number;
  outputTokens: number;
  /** 5m + 1h cache writes. */
  cacheWriteTokens: number;
  cacheReadTokens: number;
  costUsd: number;
  /** Billable model calls after de-duplication. */
  calls: number;
}
