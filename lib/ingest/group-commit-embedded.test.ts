/**
 * Group commit (group-commit.ts) on the embedded database, through the OTLP receiver's route over
 * HTTP: PGlite runs its statements on the server's own thread and has one connection, and before
 * the receiver announced its requests (and PGlite let the event loop turn between statements)
 * every body was its own batch. Exporters that each send their next body as soon as the last is
 * answered are written in groups, every call once.
 */
import type { Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "@/lib/admin/api-keys";
import { ensureTeam } from "@/lib/admin/members";
import type { Scope } from "@/lib/auth/scope";
import { db } from "@/lib/db/client";
import { spendByGroup } from "@/lib/queries/spend-by-group";
import { withEmbeddedDatabase } from "@/lib/testing/embedded-database";
import { wholeRange } from "@/lib/testing/ingest-fixtures";
import { startIngestServer } from "@/lib/testing/ingest-server";
import { exporterLogBody } from "@/lib/testing/otlp-bodies";

withEmbeddedDatabase("group-commit");
let scope: Scope;
let key: string;
let url: string;
let server: Server;

beforeAll(async () => {
  const team = await ensureTeam("group-commit");
  scope = { teamId: team.id, teamSlug: team.slug, teamName: team.name, actor: { kind: "cli", osUser: "test" } };
  ({ key } = await createApiKey(scope, { name: "collector", scope: "ingest" }));
  ({ url, server } = await startIngestServer());
});
afterAll(() => server.close());

describe("group commit on the embedded database", () => {
  it("writes exporters that send one body after another in groups, not one batch a body", async () => {
    const exporters = 8;
    const rounds = 6;
    await Promise.all(
      Array.from({ length: exporters }, async (_, exporter) => {
        for (let round = 0; round < rounds; round++) {
          const response = await fetch(`${url}/api/otlp/v1/logs`, {
            method: "POST",
            headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
            body: exporterLogBody(exporter, round),
          });
          expect(response.status).toBe(200);
          expect(await response.json()).toEqual({});
        }
      }),
    );
    const totals = (await spendByGroup(scope, { ...wholeRange, groupBy: "day" })).totals;
    expect(totals.calls).toBe(exporters * rounds);
    expect(totals.inputTokens).toBe(exporters * rounds * 100);
    // One batch a body before (48); grouped, a round's bodies go in one or two batches.
    const batches = await db().ingestBatch.count({ where: { teamId: scope.teamId } });
    expect(batches).toBeLessThanOrEqual(2 * rounds + 1);
  });
});
