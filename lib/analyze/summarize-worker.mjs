// Worker thread entry for analyze-files.ts. Workers do not inherit the parent's TypeScript loader,
// so each registers tsx itself before loading the TypeScript worker body.
import { register } from "tsx/esm/api";

register({ tsconfig: new URL("../../tsconfig.json", import.meta.url).pathname });
await import("./summarize-worker-body.ts");
