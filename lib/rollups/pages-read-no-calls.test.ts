/**
 * Dashboards read rollups, never raw calls: every page's server work (bench/pages.ts, the pages'
 * own functions as they call them) runs here as a database role that may read of Call only what
 * orders a run's calls (team, run, id, timestamp: the Waste page numbers its top findings' first
 * calls in their runs, lib/queries/call-ordinal.ts), and of ToolCall only the id and output hash
 * (the instruction-file versions Compare workflows looks up by id from the context packages). A
 * page that read any call's tokens, cost or model, or any tool call's name, size or run, would
 * fail with "permission denied". The run drill-down, which reads its one run's calls by index,
 * must fail the same way: that shows the role is what the pages ran as.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pageWork } from "@/bench/pages";
import type { Scope } from "@/lib/auth/scope";
import { closeDb, db } from "@/lib/db/client";
import { table } from "@/lib/db/tables";
import { createTestTeam, userScope } from "@/lib/testing/fixtures";
import { ingestFixtureFolder } from "@/lib/testing/ingest-fixtures";
import { onServer } from "@/lib/testing/postgres-server";

const Run = table("Run");

const ownerUrl = process.env.DATABASE_URL!;
const role = `trh_pages_${randomBytes(4).toString("hex")}`;

const asOwner = (sql: string) => onServer(sql, ownerUrl);

describe("every dashboard page reads no raw calls", () => {
  let scope: Scope;
  let runId: string;

  beforeAll(async () => {
    scope = userScope(await createTestTeam("no-calls"));
    await ingestFixtureFolder(scope, "spotter/test/fixtures/transcripts");
    // The run with the most calls: the drill-down's control.
    const [largest] = await db().$queryRaw<{ id: string }[]>`
      SELECT ${Run.id}::text FROM ${Run.$} WHERE ${Run.teamId} = ${scope.teamId}::uuid ORDER BY ${Run.calls} DESC, ${Run.id} LIMIT 1`;
    runId = largest!.id;
    await closeDb();
    await asOwner(`
      CREATE ROLE ${role} LOGIN;
      GRANT USAGE ON SCHEMA public TO ${role};
      GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${role};
      GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${role};
      REVOKE ALL ON "Call", "ToolCall" FROM ${role};
      GRANT SELECT ("teamId", "runId", id, timestamp) ON "Call" TO ${role};
      GRANT SELECT ("teamId", id, "outputHash") ON "ToolCall" TO ${role};`);
    const url = new URL(ownerUrl);
    url.username = role;
    process.env.DATABASE_URL = url.toString();
  }, 120_000);

  afterAll(async () => {
    await closeDb();
    process.env.DATABASE_URL = ownerUrl;
    await asOwner(`DROP OWNED BY ${role}; DROP ROLE ${role}`);
  });

  for (const days of [30, 3650])
    it(`for the last ${days} days of data`, async () => {
      const pages = Object.entries(pageWork(scope, days, runId));
      const drillDown = pages.filter(([page]) => page.startsWith("run drill-down"));
      expect(drillDown).toHaveLength(1);
      for (const [page, work] of pages) {
        if (page.startsWith("run drill-down")) continue;
        await work().catch((error: Error) => {
          throw new Error(`${page}: ${error.message}`);
        });
      }
      await expect(drillDown[0]![1]()).rejects.toThrow(/permission denied for table "?(Call|ToolCall)"?/);
    });
});
