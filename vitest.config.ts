import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    include: ["**/*.test.ts"],
    exclude: ["node_modules/**", "e2e/**", ".next/**", "bench/.corpus/**"],
    environment: "node",
    // next-auth imports "next/server" without an extension, which Node's ESM loader refuses; let
    // vite resolve it instead.
    server: { deps: { inline: ["next-auth", "@auth/core"] } },
    // Integration tests share one fresh Postgres database per run (see lib/testing/global-setup.ts).
    globalSetup: ["lib/testing/global-setup.ts"],
    // Tests create users often: bcrypt at its smallest cost (lib/auth/password.ts).
    env: { TRH_BCRYPT_COST: "4" },
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: two workers keep the machine responsive while tests talk to Postgres.
    maxWorkers: 2,
  },
});
