/**
 * Issue 10's property on the Postgres server: generated corpora through any mix of import, the
 * ingest API and push store exactly what `trh analyze` computes (lib/testing/every-path.ts).
 */
import { afterAll, describe, it } from "vitest";
import { closeDb } from "@/lib/db/client";
import { checkEveryPathEqualsAnalyze } from "@/lib/testing/every-path";
import { createTestTeam } from "@/lib/testing/fixtures";

afterAll(closeDb);

describe("every way in stores what trh analyze computes (Postgres)", () => {
  it("for generated corpora, any grouping, order and mix of paths", async () => {
    await checkEveryPathEqualsAnalyze(() => createTestTeam("paths"), 12);
  }, 300_000);
});
