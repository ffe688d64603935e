/**
 * The monthly partitions of Call and ToolCall, on whichever database the file set up (a fresh one:
 * dropping a month depends on every team's limit, so no other file's teams may share it): each row
 * is in its month's partition with exactly one key, a call or tool use that changes month moves
 * with its key, the upkeep job makes the months ahead, and a month no team keeps is dropped whole
 * while every page's numbers stay as they were and re-sent traces store nothing.
 */
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { monthOf, monthStart, PARTITIONS_AHEAD, partitionedMonths } from "@/lib/db/partitions";
import { table } from "@/lib/db/tables";
import { ingestFile } from "@/lib/ingest/ingest-file";
import { assistantLine, userToolResultLine } from "@/lib/ingest/parsers/__fixtures__/trace-lines";
import {
  applyRetentionForAllTeams,
  dropExpiredPartitions,
  retentionCutoff,
  setRawCallRetention,
} from "@/lib/retention/raw-calls";
import { createTestTeam, userScope } from "./fixtures";
import { ingestFixtureFolder } from "./ingest-fixtures";
import { pageNumbers } from "./retention-check";

const CallTable = table("Call");
const c = table("Call", "c");
const kCallKey = table("CallKey", "k");
const kToolCallKey = table("ToolCallKey", "k");
const t = table("ToolCall", "t");

const bytesOf = (text: string) => ({
  bytes: (async function* () {
    yield Buffer.from(text);
  })(),
  gzip: false,
});

/** Rows outside their month's partition, and rows without exactly their key (or keys without their row). */
async function misplaced(): Promise<Record<string, number>> {
  const [row] = await db().$queryRaw<Record<string, number>[]>`
    SELECT
      (SELECT count(*)::int FROM ${c.$}
        WHERE c.tableoid::regclass::text <> '"Call_p' || to_char(${c.timestamp} AT TIME ZONE 'UTC', 'YYYYMM') || '"') AS "callsElsewhere",
      (SELECT count(*)::int FROM ${t.$}
        WHERE t.tableoid::regclass::text <> '"ToolCall_p' || to_char(${t.timestamp} AT TIME ZONE 'UTC', 'YYYYMM') || '"') AS "toolCallsElsewhere",
      (SELECT count(*)::int FROM ${c.$} FULL JOIN ${kCallKey.$}
        ON ${kToolCallKey.teamId} = ${c.teamId} AND k."callId" = ${c.id} AND ${kToolCallKey.timestamp} = ${c.timestamp} AND k.source = ${c.source} AND k."callKey" = ${c.callKey}
        WHERE ${c.id} IS NULL OR k."callId" IS NULL) AS "callsWithoutKey",
      (SELECT count(*)::int FROM ${t.$} FULL JOIN ${kToolCallKey.$}
        ON ${kToolCallKey.teamId} = ${t.teamId} AND ${kToolCallKey.toolCallId} = ${t.id} AND ${kToolCallKey.timestamp} = ${t.timestamp} AND ${kToolCallKey.runId} = ${t.runId} AND ${kToolCallKey.toolUseId} = ${t.toolUseId}
        WHERE ${t.id} IS NULL OR ${kToolCallKey.toolCallId} IS NULL) AS "toolCallsWithoutKey"`;
  return row!;
}
const nothingMisplaced = { callsElsewhere: 0, toolCallsElsewhere: 0, callsWithoutKey: 0, toolCallsWithoutKey: 0 };

export function describePartitions() {
  describe("monthly partitions of the raw tables", () => {
    it("moves a call and a tool use to their new month with their keys, and stores nothing twice", async () => {
      const scope = userScope(await createTestTeam("months"));
      const toolUse = [{ type: "tool_use", id: "tu_month", name: "Bash", input: { command: "ls" } }];
      // A placeholder at the end of January, then its final copy in February (same request).
      const early = assistantLine({
        sessionId: "s-months",
        messageId: "m_a",
        requestId: "r_a",
        output: 2,
        timestamp: "2026-01-31T23:59:59.000Z",
      });
      const final = assistantLine({
        sessionId: "s-months",
        messageId: "m_a",
        requestId: "r_a",
        output: 400,
        timestamp: "2026-02-01T00:00:01.000Z",
      });
      // A tool result (stored at its own time, 2026-02-10) before the use that asked for it, in January.
      const result = userToolResultLine("tu_month", "file-a\nfile-b", { sessionId: "s-months" });
      const use = assistantLine({
        sessionId: "s-months",
        messageId: "m_b",
        requestId: "r_b",
        content: toolUse,
        timestamp: "2026-01-15T08:00:00.000Z",
      });
      const send = (lines: string[]) =>
        ingestFile(scope, {
          format: "claude-code",
          fileName: "s-months.jsonl",
          body: bytesOf(`${lines.join("\n")}\n`),
        });

      expect((await send([early, result])).calls).toBe(1);
      const stored = () =>
        db().$queryRaw<{ place: string; output: number }[]>`
          SELECT c.tableoid::regclass::text AS place, ${c.output} FROM ${c.$} WHERE ${c.teamId} = ${scope.teamId}::uuid
          UNION ALL SELECT t.tableoid::regclass::text, ${t.outputBytes} FROM ${t.$} WHERE ${t.teamId} = ${scope.teamId}::uuid
          ORDER BY 1, 2`;
      expect(await stored()).toEqual([
        { place: '"Call_p202601"', output: 2 },
        { place: '"ToolCall_p202602"', output: 13 },
      ]);
      expect(await misplaced()).toEqual(nothingMisplaced);

      expect((await send([final, use])).calls).toBe(2);
      expect(await stored()).toEqual([
        { place: '"Call_p202601"', output: 5 },
        { place: '"Call_p202602"', output: 400 },
        { place: '"ToolCall_p202601"', output: 13 },
      ]);
      expect(await misplaced()).toEqual(nothingMisplaced);

      // Everything again, in any order: nothing new, nothing moves.
      expect((await send([use, early, final, result])).calls).toBe(0);
      expect((await stored()).length).toBe(3);
      expect(await misplaced()).toEqual(nothingMisplaced);
    });

    it("makes the months ahead, and drops a month only when no team keeps it, changing no page", async () => {
      const kept = userScope(await createTestTeam("keeps"));
      const trimmed = userScope(await createTestTeam("trims"));
      await ingestFixtureFolder(trimmed, "sniffly");
      await ingestFixtureFolder(kept, "spotter/test/fixtures/transcripts");
      expect(await misplaced()).toEqual(nothingMisplaced);
      const before = { kept: await pageNumbers(kept), trimmed: await pageNumbers(trimmed) };

      // "Now" is a day after the last stored call: a 1-day limit leaves at most the last days' calls.
      const [last] = await db().$queryRaw<{ at: Date }[]>`SELECT max(${CallTable.timestamp}) AS at FROM ${CallTable.$}`;
      const now = new Date(new Date(last!.at).getTime() + 86_400_000);
      const months = await partitionedMonths(db());
      const expired = months.filter((month) => monthStart(month, 1) <= retentionCutoff(1, now));
      expect(expired.length).toBeGreaterThan(0);

      // Every team of the database but one has a limit: no month can go.
      const teams = await db().team.findMany({ select: { id: true } });
      for (const team of teams) if (team.id !== kept.teamId) await setRawCallRetention(team.id, 1);
      expect(await dropExpiredPartitions(now)).toEqual([]);
      expect(await partitionedMonths(db())).toEqual(months);

      await setRawCallRetention(kept.teamId, 1);
      const round = await applyRetentionForAllTeams(now);
      expect(round.droppedMonths).toEqual(expired);
      const after = await partitionedMonths(db());
      for (const month of expired) expect(after).not.toContain(month);
      for (let ahead = 0; ahead <= PARTITIONS_AHEAD; ahead++)
        expect(after).toContain(monthOf(monthStart(monthOf(now), ahead)));
      expect(await db().call.count({ where: { timestamp: { lt: retentionCutoff(1, now) } } })).toBe(0);
      expect(await db().callKey.count({ where: { timestamp: { lt: retentionCutoff(1, now) } } })).toBe(0);
      expect(await db().toolCallKey.count({ where: { timestamp: { lt: retentionCutoff(1, now) } } })).toBe(0);
      expect(await misplaced()).toEqual(nothingMisplaced);
      const marked = await db().run.count({ where: { teamId: trimmed.teamId, callsRemovedBefore: { not: null } } });
      expect(marked).toBeGreaterThan(0);

      expect(await pageNumbers(kept)).toEqual(before.kept);
      expect(await pageNumbers(trimmed)).toEqual(before.trimmed);
      // The same traces again: their old calls are not stored again, nor counted.
      expect((await ingestFixtureFolder(trimmed, "sniffly")).calls).toBe(0);
      expect((await ingestFixtureFolder(kept, "spotter/test/fixtures/transcripts")).calls).toBe(0);
      expect(await pageNumbers(trimmed)).toEqual(before.trimmed);
      // Nothing left to drop.
      expect(await dropExpiredPartitions(now)).toEqual([]);
    });
  });
}
