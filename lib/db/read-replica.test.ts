/**
 * DATABASE_READ_URL against a real streaming replica of the test server (started here, see
 * lib/testing/streaming-replica.ts): dashboards and read APIs read the replica, writes and the
 * read-your-writes paths the primary. Pausing the replica's replay makes the difference visible.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { spendByGroup } from "@/lib/queries/spend-by-group";
import { teamHasRuns } from "@/lib/queries/team-has-runs";
import { createTestTeam, type TestTeam, userScope } from "@/lib/testing/fixtures";
import { expectedFixtureTotals, ingestFixtureFolder, wholeRange } from "@/lib/testing/ingest-fixtures";
import { type StreamingReplica, startStreamingReplica } from "@/lib/testing/streaming-replica";
import { closeDb, db, readDb } from "./client";
import { databaseReadUrl } from "./config";

const serverUrl = process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const primaryUrl = process.env.DATABASE_URL ?? "";

let replica: StreamingReplica;
let team: TestTeam;

beforeAll(async () => {
  replica = await startStreamingReplica(serverUrl);
  await closeDb();
  vi.stubEnv("DATABASE_READ_URL", replica.urlFor(primaryUrl));
  team = await createTestTeam("replica");
}, 600_000);

afterAll(async () => {
  await closeDb();
  vi.unstubAllEnvs();
  await replica?.stop();
});

const inRecovery = async (client: ReturnType<typeof db>) =>
  (await client.$queryRaw<{ standby: boolean }[]>`SELECT pg_is_in_recovery() AS standby`)[0]?.standby;

describe("read replica (DATABASE_READ_URL)", () => {
  it("opens the read client on the replica and the write client on the primary", async () => {
    expect(await inRecovery(readDb())).toBe(true);
    expect(await inRecovery(db())).toBe(false);
    await expect(readDb().$executeRaw`CREATE TABLE "ReplicaWrite" (id int)`).rejects.toThrow(/read-only/);
  });

  it("dashboards read what the replica has replayed; the primary's read-your-writes path sees writes at once", async () => {
    const scope = userScope(team);
    const spend = () => spendByGroup(scope, { groupBy: "day", ...wholeRange });
    expect(await teamHasRuns(scope)).toBe(false);

    await ingestFixtureFolder(scope, "sniffly");
    await replica.caughtUp(primaryUrl);
    const sniffly = expectedFixtureTotals.sniffly!;
    expect((await spend()).totals.costUsd).toBeCloseTo(sniffly.costUsd, 6);
    expect((await spend()).totals.calls).toBe(sniffly.calls);

    await replica.pauseReplay();
    try {
      await ingestFixtureFolder(scope, "claude-code-viewer");
      // The replica still answers with what it had: the new upload is not on the dashboard yet...
      expect((await spend()).totals.calls).toBe(sniffly.calls);
    } finally {
      await replica.resumeReplay();
    }
    await replica.caughtUp(primaryUrl);
    const both = sniffly.calls! + expectedFixtureTotals["claude-code-viewer"]!.calls!;
    expect((await spend()).totals.calls).toBe(both);
    expect((await spend()).totals.costUsd).toBeCloseTo(
      sniffly.costUsd + expectedFixtureTotals["claude-code-viewer"]!.costUsd,
      6,
    );
  });

  it("a new team's first upload is seen at once by the get-started check, which reads the primary", async () => {
    const scope = userScope(await createTestTeam("replica-fresh"));
    await replica.pauseReplay();
    try {
      await ingestFixtureFolder(scope, "sniffly");
      expect(await teamHasRuns(scope)).toBe(true);
      expect((await spendByGroup(scope, { groupBy: "day", ...wholeRange })).totals.calls).toBe(0);
    } finally {
      await replica.resumeReplay();
    }
  });

  it("refuses a read URL without a primary URL", () => {
    vi.stubEnv("DATABASE_URL", "");
    try {
      expect(() => databaseReadUrl()).toThrow(/DATABASE_READ_URL is set without DATABASE_URL/);
    } finally {
      vi.stubEnv("DATABASE_URL", primaryUrl);
    }
  });
});
