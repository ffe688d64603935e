#!/usr/bin/env node
// The `trh` command. The CLI is TypeScript that shares lib/ with the web app; cli-bundle.mjs
// compiles it once and caches it, so there is one source of truth and no build step to remember.
import { loadCli } from "./cli-bundle.mjs";

const main = await loadCli();
const code = await main(process.argv.slice(2));
// Exit once our output is flushed: the database drivers and Prisma's wasm engine leave idle
// timers behind that would otherwise keep the process alive for seconds after the work is done.
const flush = (stream) => new Promise((resolve) => stream.write("", resolve));
await Promise.all([flush(process.stdout), flush(process.stderr)]);
process.exit(code);
