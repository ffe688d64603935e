import { createReadStream, readFileSync } from "node:fs";
import { findTraceFiles } from "../lib/analyze/trace-files";
const { files } = await findTraceFiles([process.argv[2]!]);
let t = performance.now(); let s = 0;
for (const f of files) s += readFileSync(f.absolutePath).length;
console.log("readFileSync", (performance.now() - t).toFixed(0));
t = performance.now();
for (const f of files) for await (const c of createReadStream(f.absolutePath, { highWaterMark: 1 << 20 })) s += c.length;
console.log("stream", (performance.now() - t).toFixed(0));
const marker = Buffer.from('"usage"');
t = performance.now(); let n = 0;
for (const f of files) for await (const c of createReadStream(f.absolutePath, { highWaterMark: 1 << 20 })) { let i = 0; while ((i = c.indexOf(10, i)) !== -1) { i++; n++; } }
console.log("stream+newlines", (performance.now() - t).toFixed(0), n);
t = performance.now(); n = 0;
for (const f of files) for await (const c of createReadStream(f.absolutePath, { highWaterMark: 1 << 20 })) { let i = 0; while ((i = c.indexOf(marker, i)) !== -1) { i++; n++; } }
console.log("stream+marker", (performance.now() - t).toFixed(0), n);
