/**
 * Issue 10's property on the embedded database (PGlite): generated corpora through any mix of
 * import, the ingest API and push store exactly what `trh analyze` computes
 * (lib/testing/every-path.ts).
 */
import { describe, it } from "vitest";
import { withEmbeddedDatabase } from "@/lib/testing/embedded-database";
import { checkEveryPathEqualsAnalyze } from "@/lib/testing/every-path";
import { createTestTeam } from "@/lib/testing/fixtures";

withEmbeddedDatabase("every-path-embedded");

describe("every way in stores what trh analyze computes (embedded database)", () => {
  it("for generated corpora, any grouping, order and mix of paths", async () => {
    await checkEveryPathEqualsAnalyze(() => createTestTeam("paths"), 6);
  }, 300_000);
});
