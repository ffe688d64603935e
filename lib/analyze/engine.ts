/** What `trh analyze` needs from the library, in one module so that it can be bundled (load-engine.ts). */
export { analyzeFiles, defaultThreadCount, maxWorkerCount, startWorkers } from "./analyze-files";
export { listTraceFiles } from "./trace-files";
