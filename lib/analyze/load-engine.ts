/**
 * Loads the analyze engine as one precompiled JavaScript bundle, built with esbuild (shipped with
 * tsx) on first use and cached by a hash of its sources. Loading the TypeScript modules one by one
 * through tsx costs a few hundred milliseconds per thread, more than reading 100 MB of traces;
 * with the bundle, the command and its worker threads start in tens of milliseconds. When the
 * bundle cannot be built (no esbuild, read-only folders), the TypeScript modules are used as they
 * are: slower to start, same results.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

type EngineModule = typeof import("./engine");

export interface AnalyzeEngine extends EngineModule {
  /** Worker thread script for analyzeFiles (`workerUrl` option). */
  workerUrl: URL;
}

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, "../..");
const SOURCE_DIRS = ["lib/ingest", "lib/pricing", "lib/analyze"].map((dir) => path.join(REPO, dir));


function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "__fixtures__" ? [] : sourceFiles(full);
    return /\.(ts|mjs)$/.test(entry.name) && !entry.name.endsWith(".test.ts") ? [full] : [];
  });
}

function packageVersion(name: string): string {
  try {
    return (JSON.parse(readFileSync(path.join(REPO, "node_modules", name, "package.json"), "utf8")) as { version: string }).version;
  } catch {
    return "missing";
  }
}

function bundleHash(): string {
  const hash = createHash("sha256");
  hash.update(`esbuild ${packageVersion("esbuild")} genai-prices ${packageVersion("@pydantic/genai-prices")} node ${process.versions.node}\n`);
  for (const file of SOURCE_DIRS.flatMap(sourceFiles).sort()) hash.update(file).update(readFileSync(file));
  return hash.digest("hex").slice(0, 16);
}

async function buildBundle(outDir: string): Promise<void> {
  const esbuild = await import("esbuild");
  const staging = `${outDir}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  await esbuild.build({
    entryPoints: { engine: path.join(HERE, "engine.ts"), worker: path.join(HERE, "summarize-worker-body.ts") },
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
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
}

async function loadBundledEngine(): Promise<AnalyzeEngine> {
  const name = `analyze-engine-${bundleHash()}`;
  const candidates = [path.join(REPO, "node_modules", ".cache", "trh", name), path.join(os.tmpdir(), "trh", name)];
  let outDir = candidates.find((dir) => existsSync(path.join(dir, "engine.mjs")));
  if (outDir === undefined) {
    for (const candidate of candidates) {
      try {
        mkdirSync(path.dirname(candidate), { recursive: true });
        await buildBundle(candidate);
        outDir = candidate;
        break;
      } catch {
        // Try the next place; both failing falls back to the TypeScript modules.
      }
    }
  }
  if (outDir === undefined) throw new Error("analyze bundle could not be built");
  const engine = (await import(pathToFileURL(path.join(outDir, "engine.mjs")).href)) as EngineModule;
  return { ...engine, workerUrl: pathToFileURL(path.join(outDir, "worker.mjs")) };
}

export async function loadAnalyzeEngine(): Promise<AnalyzeEngine> {
  try {
    return await loadBundledEngine();
  } catch {
    const engine = await import("./engine");
    return { ...engine, workerUrl: new URL("./summarize-worker.mjs", import.meta.url) };
  }
}
