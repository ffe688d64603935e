#!/usr/bin/env node
// The `trh` command. The CLI is TypeScript that shares lib/ with the web app; cli-bundle.mjs
// compiles it once and caches it, so there is one source of truth and no build step to remember.
import { setFlagsFromString } from "node:v8";
import { loadCli } from "./cli-bundle.mjs";

// Prisma's query compiler is WebAssembly. A command runs for seconds, not days: compiling it once
// with the baseline compiler and never tiering up saved 0.4 s and 70 MB at the start of every
// command that opens the database, and 0.8 s and 90 MB of a 15,000-call `trh import`
// (bench/README.md). Set before anything compiles WebAssembly.
setFlagsFromString("--liftoff-only");
// V8 lets a heap grow up to 4x what survived its last full collection before the next one: an
// import's live set is ~60 MB, its heap reached 150-200 MB and the process ~340-390 MB. At most 2x
// brought `trh import` to ~290-300 MB for ~0.1 s more CPU (bench/README.md). A growth factor, not a
// cap: a larger live set still gets the heap it needs.
setFlagsFromString("--heap-growing-percent=100");

const main = await loadCli();
const code = await main(process.argv.slice(2));
// Exit once our output is flushed: the database drivers and Prisma's wasm engine leave idle
// timers behind that would otherwise keep the process alive for seconds after the work is done.
const flush = (stream) => new Promise((resolve) => stream.write("", resolve));
await Promise.all([flush(process.stdout), flush(process.stderr)]);
process.exit(code);
