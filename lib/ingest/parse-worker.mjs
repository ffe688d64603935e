// Parser thread entry for parsed-files.ts when not run from the CLI bundle (tests, tsx). Workers
// do not inherit the parent's TypeScript loader, so it registers tsx before loading the body.
import { register } from "tsx/esm/api";

register({ tsconfig: new URL("../../tsconfig.json", import.meta.url).pathname });
await import("./parse-worker-body.ts");
