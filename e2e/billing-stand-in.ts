/**
 * Where the browser test's provider stand-in listens: the e2e server is started with
 * TRH_ANTHROPIC_API_URL / TRH_OPENAI_API_URL pointing here (playwright.config.ts), and
 * e2e/billing.spec.ts starts the stand-in (lib/billing/testing/provider-stand-in.ts) on it.
 * E2E_PORT + 1000, so engineers running e2e side by side on their own E2E_PORT do not collide.
 */
export function billingStandInPort(e2ePort: number): number {
  return e2ePort + 1000;
}
