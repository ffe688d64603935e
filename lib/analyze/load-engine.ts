/**
 * The analyze engine and the script its worker threads run. From the `trh` command the engine is
 * already part of the precompiled CLI bundle (bin/cli-bundle.mjs), and so is the worker; elsewhere
 * (tests, tsx) the worker is the TypeScript one, which registers tsx in its thread.
 */
import path from "node:path";
import { pathToFileURL } from "node:url";
import * as engine from "./engine";

export interface AnalyzeEngine extends Omit<typeof engine, "default"> {
  /** Worker thread script for analyzeFiles (`workerUrl` option). */
  workerUrl: URL;
}

export function loadAnalyzeEngine(): AnalyzeEngine {
  const bundle = process.env.TRH_CLI_BUNDLE_DIR;
  const workerUrl = bundle
    ? pathToFileURL(path.join(bundle, "summarize-worker.mjs"))
    : new URL("./summarize-worker.mjs", import.meta.url);
  return { ...engine, workerUrl };
}
