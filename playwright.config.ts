import { defineConfig } from "@playwright/test";
import { billingStandInPort } from "./e2e/billing-stand-in";

/**
 * Browser tests in Debian's Chromium (Playwright cannot download browsers here). The web server
 * is the real app started as a user would (`npm start`: build if needed, migrate, first admin),
 * on a fresh Postgres database, or on a fresh embedded database with E2E_DATABASE=embedded.
 */
const port = Number(process.env.E2E_PORT ?? 3100);
// A smaller upload limit than the 2 GiB default, so e2e/abuse-input.spec.ts can send past it;
// set here, the server and the specs both see it.
process.env.TRH_MAX_UPLOAD_BYTES ??= String(64 * 1024 * 1024);
// The specs sign in and create users often: bcrypt at its smallest cost (lib/auth/password.ts).
process.env.TRH_BCRYPT_COST ??= "4";

/**
 * On the embedded database (E2E_DATABASE=embedded) the specs where the database changes what
 * happens: sign-in and the first admin, uploads and ingest on its one connection, the after-commit
 * work and live updates, tenancy, every page's queries (screens.spec.ts, at one width), a long
 * run, budgets after ingest. What no database changes (HTTP and auth refusals, page layout and
 * navigation) runs once, on Postgres; the embedded database's own suites in vitest
 * (*-embedded.test.ts) cover re-pricing, retention, context packages, cohorts, the activity signal
 * and discovery. Both runs together took ~40 minutes of CI on a slow two-core machine.
 */
const postgresOnly = [
  "abuse-auth",
  "abuse-billing",
  "abuse-budgets",
  "abuse-records",
  "abuse-webhook",
  "activity-signal",
  "billing",
  "cohort-kinds",
  "context-package",
  "ownership",
  "pages-runs",
  "prices",
  "retention",
  "workflows",
].map((name) => `**/${name}.spec.ts`);

export default defineConfig({
  testDir: "e2e",
  testIgnore: process.env.E2E_DATABASE === "embedded" ? postgresOnly : [],
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  reporter: [["list"]],
  use: {
    baseURL: `http://localhost:${port}`,
    viewport: { width: 1280, height: 800 },
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
  },
  webServer: {
    command: "node_modules/.bin/tsx e2e/serve.ts",
    url: `http://localhost:${port}/api/health`,
    timeout: 600_000,
    reuseExistingServer: false,
    stdout: "pipe",
    // The billing spec's provider stand-in (e2e/billing-stand-in.ts).
    env: {
      PORT: String(port),
      TRH_ANTHROPIC_API_URL: `http://127.0.0.1:${billingStandInPort(port)}`,
      TRH_OPENAI_API_URL: `http://127.0.0.1:${billingStandInPort(port)}`,
    },
    // serve.ts drops its test database when it is asked to stop.
    gracefulShutdown: { signal: "SIGTERM", timeout: 15_000 },
  },
});
