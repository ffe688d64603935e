/**
 * `npm start`: build when needed, apply migrations, create the first team and admin, then serve.
 * With the embedded database this process holds the data directory's lock for as long as the
 * server runs, so CLI commands refuse to open it underneath the server.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { buildSync } from "esbuild";
import { bootstrapFirstAdmin } from "@/lib/admin/members";
import { authSecret } from "@/lib/auth/secret";
import { closeDb } from "@/lib/db/client";
import { databaseKind, dataDir } from "@/lib/db/config";
import { acquireEmbeddedLock, EmbeddedDatabaseBusyError } from "@/lib/db/embedded-lock";
import { applyMigrations } from "@/lib/db/migrate";
import { TrustedProxiesError, trustedProxies } from "@/lib/http/forwarded";
import { interruptStaleBatches } from "@/lib/ingest/batch-status";
import { backfillRunAnatomies } from "@/lib/rollups/rebuild";

const root = process.cwd();
const nextBin = path.join(root, "node_modules", ".bin", "next");
const sourceFolders = ["app", "components", "lib", "public"];
const sourceFiles = ["instrumentation.ts", "next.config.ts", "package.json", "proxy.ts", "tsconfig.json"];

function newestSourceChange(): number {
  let newest = 0;
  const visit = (file: string) => {
    const stat = statSync(file, { throwIfNoEntry: false });
    if (!stat) return;
    if (stat.isDirectory()) {
      if (path.basename(file) === "generated") return;
      for (const entry of readdirSync(file)) visit(path.join(file, entry));
    } else newest = Math.max(newest, stat.mtimeMs);
  };
  for (const name of [...sourceFolders, ...sourceFiles]) visit(path.join(root, name));
  return newest;
}

function buildIfNeeded() {
  const buildId = path.join(root, ".next", "BUILD_ID");
  if (existsSync(buildId) && statSync(buildId).mtimeMs >= newestSourceChange()) return;
  console.log("Building the app (first start or changed sources)...");
  const result = spawnSync(nextBin, ["build"], {
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

try {
  trustedProxies();
} catch (error) {
  if (!(error instanceof TrustedProxiesError)) throw error;
  console.error(`Cannot start: ${error.message}`);
  process.exit(1);
}

/**
 * scripts/server.ts as plain JavaScript beside the build (packages stay in node_modules): through
 * tsx the server would hold about 120 MB more. Compiling it takes a few milliseconds.
 */
function compileServer(): string {
  const outfile = path.join(root, ".next", "trh-server.mjs");
  buildSync({
    entryPoints: [path.join(root, "scripts", "server.ts")],
    outfile,
    bundle: true,
    packages: "external",
    format: "esm",
    platform: "node",
    target: "node20",
    tsconfig: path.join(root, "tsconfig.json"),
    logLevel: "warning",
  });
  return outfile;
}

let releaseLock = () => {};
if (databaseKind() === "embedded") {
  try {
    releaseLock = acquireEmbeddedLock();
  } catch (error) {
    if (error instanceof EmbeddedDatabaseBusyError) {
      console.error(`Cannot start: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
}

buildIfNeeded();
const serverScript = compileServer();
const applied = await applyMigrations();
if (applied.length > 0) console.log(`Applied migrations: ${applied.join(", ")}`);
// Batches a crash cut off: with the embedded database nothing else can be writing (this process
// holds its lock), so every RUNNING batch is dead; on Postgres only those whose lease expired.
const interrupted = await interruptStaleBatches({ everyRunning: databaseKind() === "embedded" });
if (interrupted > 0)
  console.log(`Marked ${interrupted} ingest batch(es) cut off earlier as interrupted (see Ingest history).`);
// Runs stored before their cost anatomy was kept get it once (the Waste page reads only the rollup).
const backfilled = await backfillRunAnatomies();
if (backfilled.runs > 0)
  console.log(`Computed the cost anatomy of ${backfilled.runs} run(s) stored before it was kept.`);
const first = await bootstrapFirstAdmin();
await closeDb();
if (first) {
  console.log(`Created team "${first.team}" and its admin ${first.email}.`);
  if (first.generatedPassword) {
    console.log(`Generated admin password (shown once): ${first.generatedPassword}`);
  }
}

const port = process.env.PORT || "3000";
// Our own HTTP server in front of Next.js: it decides which forwarded headers to believe.
const server = spawn(process.execPath, [serverScript], {
  stdio: "inherit",
  env: {
    ...process.env,
    PORT: port,
    NODE_ENV: "production",
    AUTH_SECRET: authSecret(),
    TRH_DATA_DIR: dataDir(),
    TRH_EMBEDDED_LOCK_PID: String(process.pid),
    // Self-hosted and often offline: Next.js's usage telemetry has nowhere to go.
    NEXT_TELEMETRY_DISABLED: "1",
  },
});
console.log(`Token Robin Hood: http://localhost:${port} (database: ${databaseKind()})`);

const stop = (signal: NodeJS.Signals) => server.kill(signal);
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
server.on("exit", (code, signal) => {
  releaseLock();
  process.exit(code ?? (signal ? 0 : 1));
});
