import { open } from "node:fs/promises";
import { openSync, readSync, closeSync } from "node:fs";
import { findTraceFiles } from "../lib/analyze/trace-files";
const { files } = await findTraceFiles([process.argv[2]!]);
async function* chunks(p: string, buf: Buffer) { const h = await open(p, "r"); try { for (;;) { const { bytesRead } = await h.read(buf, 0, buf.length, null); if (bytesRead === 0) return; yield buf.subarray(0, bytesRead); } } finally { await h.close(); } }
let t = performance.now(); let s = 0; const buf = Buffer.allocUnsafe(1 << 20);
for (const f of files) for await (const c of chunks(f.absolutePath, buf)) s += c.length;
console.log("handle.read", (performance.now() - t).toFixed(0), s);
t = performance.now(); s = 0;
for (const f of files) { const fd = openSync(f.absolutePath, "r"); let r; while ((r = readSync(fd, buf, 0, buf.length, null)) > 0) s += r; closeSync(fd); }
console.log("readSync", (performance.now() - t).toFixed(0), s);
