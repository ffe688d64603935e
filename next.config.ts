import type { NextConfig } from "next";

/** Headers for every response; the content security policy (with its per-request nonce) is set in proxy.ts. */
const securityHeaders = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
  { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
];

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // `npm run typecheck` checks the types (CI runs it first); checking them again in every
  // `next build` cost ~50 s of a first `npm start` on a two-core machine.
  typescript: { ignoreBuildErrors: true },
  // PGlite and sql.js (OpenCode's SQLite store) load their wasm files from their own package folders at run time.
  serverExternalPackages: ["@electric-sql/pglite", "pglite-prisma-adapter", "@prisma/schema-engine-wasm", "sql.js"],
  async headers() {
    return [{ source: "/:path*", headers: securityHeaders }];
  },
};

export default nextConfig;
