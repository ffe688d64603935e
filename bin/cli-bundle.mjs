// How `trh` loads its TypeScript: the CLI (lib/cli/main.ts, the analyze and import workers) is compiled
// once with esbuild into node_modules/.cache/trh/cli-<hash of the sources>/ and run as plain
// JavaScript. That saves ~0.25 s and ~45 MB per command over compiling through tsx on every
// start, which matters for `trh analyze` on a laptop. Packages stay external (imported from
// node_modules as usual). When the bundle cannot be built (no esbuild, read-only folders), the
// sources run through tsx: slower to start, same results.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const appRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const entryPoints = {
  main: "lib/cli/main.ts",
  "summarize-worker": "lib/analyze/summarize-worker-body.ts",
  "parse-worker": "lib/ingest/parse-worker-body.ts",
};

function sourceFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "__fixtures__" ? [] : sourceFiles(full);
    return /\.(ts|mjs|json)$/.test(entry.name) && !entry.name.endsWith(".test.ts") ? [full] : [];
  });
}

/**
 * Names the sources' current state. Sources are known by path, size and modification time (every
 * edit, checkout or copy changes one of them): reading all of lib/ (~5 MB, most of it Prisma's
 * generated client) to hash its contents cost every command ~10 ms.
 */
function bundleHash() {
  const hash = createHash("sha256");
  hash.update(`node ${process.versions.node}\n`).update(readFileSync(path.join(appRoot, "package-lock.json")));
  hash.update(readFileSync(path.join(appRoot, "tsconfig.json")));
  for (const file of sourceFiles(path.join(appRoot, "lib")).sort()) {
    const { size, mtimeMs } = statSync(file);
    hash.update(`${file}\0${size}\0${mtimeMs}\n`);
  }
  return hash.digest("hex").slice(0, 16);
}

async function build(outDir) {
  const esbuild = await import("esbuild");
  const staging = `${outDir}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  await esbuild.build({
    absWorkingDir: appRoot,
    entryPoints: Object.fromEntries(
      Object.entries(entryPoints).map(([name, file]) => [name, path.join(appRoot, file)]),
    ),
    bundle: true,
    splitting: true,
    packages: "external",
    format: "esm",
    platform: "node",
    target: "node20",
    tsconfig: path.join(appRoot, "tsconfig.json"),
    outdir: staging,
    outExtension: { ".js": ".mjs" },
    logLevel: "silent",
  });
  // Another process may have finished the same bundle meanwhile: theirs is as good as ours.
  try {
    renameSync(staging, outDir);
  } catch {
    rmSync(staging, { recursive: true, force: true });
  }
  // Bundles of older sources are never used again.
  const parent = path.dirname(outDir);
  for (const name of readdirSync(parent)) {
    if (name.startsWith("cli-") && !name.includes(".tmp-") && path.join(parent, name) !== outDir)
      rmSync(path.join(parent, name), { recursive: true, force: true });
  }
}

/** The folder holding main.mjs and summarize-worker.mjs for the current sources, built if needed. */
async function bundleDir() {
  const name = `cli-${bundleHash()}`;
  const candidates = [path.join(appRoot, "node_modules", ".cache", "trh", name), path.join(os.tmpdir(), "trh", name)];
  const built = candidates.find((dir) => existsSync(path.join(dir, "main.mjs")));
  if (built) return built;
  for (const candidate of candidates) {
    try {
      mkdirSync(path.dirname(candidate), { recursive: true });
      await build(candidate);
      return candidate;
    } catch {
      // Try the next place.
    }
  }
  return null;
}

/** The CLI's `main`, from the bundle or, failing that, from the TypeScript sources through tsx. */
export async function loadCli() {
  // Paths the CLI reads (prisma/migrations, tsconfig) are the app's, whatever folder trh runs in.
  process.env.TRH_APP_ROOT = appRoot;
  const dir = await bundleDir().catch(() => null);
  if (dir) {
    process.env.TRH_CLI_BUNDLE_DIR = dir;
    return (await import(pathToFileURL(path.join(dir, "main.mjs")).href)).main;
  }
  const { register } = await import("tsx/esm/api");
  register({ tsconfig: path.join(appRoot, "tsconfig.json") });
  return (await import(pathToFileURL(path.join(appRoot, "lib", "cli", "main.ts")).href)).main;
}
