import { createReadStream } from "node:fs";
import { readLineBatches } from "../lib/ingest/parsers/lines";
import { findTraceFiles } from "../lib/analyze/trace-files";
const { files } = await findTraceFiles([process.argv[2]!]);
let t = performance.now(); let n = 0, usage = 0, bytes = 0;
const marker = Buffer.from('"usage"');
for (const f of files) for await (const b of readLineBatches(createReadStream(f.absolutePath, { highWaterMark: 1 << 20 }))) for (const l of b) { n++; if (l.bytes.indexOf(marker) !== -1) { usage++; bytes += l.bytes.length; } }
console.log("split", (performance.now() - t).toFixed(0), n, usage, (bytes/1e6).toFixed(1) + "MB");
t = performance.now();
for (const f of files) for await (const b of readLineBatches(createReadStream(f.absolutePath, { highWaterMark: 1 << 20 }))) for (const l of b) { if (l.bytes.indexOf(marker) !== -1) JSON.parse(l.bytes.toString("utf8")); }
console.log("split+parse", (performance.now() - t).toFixed(0));
