import { findTraceFiles } from "/work/main/lib/analyze/trace-files";
import { analyzeFiles } from "/work/main/lib/analyze/analyze-files";
const t0 = performance.now();
const { files } = await findTraceFiles([process.argv[2]!]);
const t1 = performance.now();
const report = await analyzeFiles(files, { threads: Number(process.argv[3]) });
const t2 = performance.now();
console.log(`find ${(t1-t0).toFixed(0)}ms analyze ${(t2-t1).toFixed(0)}ms calls ${report.totals.calls} rss ${(process.memoryUsage().rss/1e6).toFixed(0)}MB`);
