/**
 * Group commit (group-commit.ts) on the real Postgres server: exporters that each send their next
 * body as soon as the last is answered, as OpenTelemetry's batch exporter does, are written in
 * groups of all of them, not in two groups a round, and every call is stored once.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, db } from "@/lib/db/client";
import { spendByGroup } from "@/lib/queries/spend-by-group";
import { createTestTeam, type TestTeam, userScope } from "@/lib/testing/fixtures";
import { wholeRange } from "@/lib/testing/ingest-fixtures";
import { exporterLogBody } from "@/lib/testing/otlp-bodies";
import { announceArrival, type GroupedResult, ingestGrouped } from "./group-commit";
import { parseOtlpLogs } from "./parsers/otlp";

let team: TestTeam;
beforeAll(async () => {
  team = await createTestTeam("group-commit");
});
afterAll(closeDb);

describe("group commit", () => {
  it("writes exporters that send one body after another in groups of all of them", async () => {
    const scope = userScope(team);
    const exporters = 8;
    const rounds = 6;
    const results: GroupedResult[] = [];
    await Promise.all(
      Array.from({ length: exporters }, async (_, exporter) => {
        for (let round = 0; round < rounds; round++) {
          const { events } = parseOtlpLogs(Buffer.from(exporterLogBody(exporter, round)), "application/json");
          results.push(
            await ingestGrouped(scope, { format: "otlp-logs", events, sessionEmails: new Map<string, string>() }),
          );
        }
      }),
    );
    expect(results.every((result) => result.errorCount === 0)).toBe(true);
    const totals = (await spendByGroup(scope, { ...wholeRange, groupBy: "day" })).totals;
    expect(totals.calls).toBe(exporters * rounds);
    expect(totals.inputTokens).toBe(exporters * rounds * 100);
    // The first request is written alone and the rest of the first round meanwhile waits; from then
    // on every exporter is in every group, up to the last ones, which the first exporter leaves early.
    const sizes = new Map(results.map((result) => [result.batchId, result.groupSize]));
    expect([...sizes.values()].filter((size) => size === exporters).length).toBeGreaterThanOrEqual(rounds - 2);
    expect(sizes.size).toBeLessThanOrEqual(rounds + 1);
    expect(await db().ingestBatch.count({ where: { teamId: team.teamId } })).toBe(sizes.size);
  });

  it("takes a request the receiver announced, still having its key looked up, into the group of one queued meanwhile", async () => {
    const scope = userScope(team);
    const request = (exporter: number) => {
      const { events } = parseOtlpLogs(Buffer.from(exporterLogBody(exporter, 99)), "application/json");
      return { format: "otlp-logs", events, sessionEmails: new Map<string, string>() };
    };
    // As the receiver does: announced on arrival, queued once its key is known and its body parsed.
    const arrival = announceArrival();
    const alone = ingestGrouped(scope, request(20));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const announced = ingestGrouped(scope, request(21), arrival);
    const [first, second] = await Promise.all([alone, announced]);
    expect(first.groupSize).toBe(2);
    expect(second.batchId).toBe(first.batchId);
  });
});
