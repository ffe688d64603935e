/**
 * What identifies a call in the database, on the real Postgres server: native calls by session and
 * key (issue 17), /btw sidechain copies dropped or retracted whatever the order in which they and
 * their original arrive (docs/FORMATS.md Claude Code rule 3, issue 10), messages without id counted per
 * line (rule 4), each checked against `trh analyze` and across every stored layer.
 */
import { afterAll, describe, expect, it } from "vitest";
import type { Scope } from "@/lib/auth/scope";
import { closeDb, db } from "@/lib/db/client";
import { table } from "@/lib/db/tables";
import { createPerson, splitRun } from "@/lib/ownership/manage";
import { analyzeTotals } from "@/lib/testing/analyze-totals";
import { createTestTeam, userScope } from "@/lib/testing/fixtures";
import { storedTotals } from "@/lib/testing/stored-totals";
import type { Tokens } from "@/lib/tokens";
import { ingestFile } from "./ingest-file";
import { assistantLine, userToolResultLine } from "./parsers/__fixtures__/trace-lines";

const DailySpend = table("DailySpend");
const RunDaySpend = table("RunDaySpend");

afterAll(closeDb);

const freshScope = async (): Promise<Scope> => userScope(await createTestTeam("identity"));
const body = (text: string) => ({ bytes: [Buffer.from(text)], gzip: false });
const upload = (scope: Scope, fileName: string, lines: string[], format: "claude-code" | "native" = "claude-code") =>
  ingestFile(scope, { format, fileName, body: body(`${lines.join("\n")}\n`) });

/** Every stored layer holds the same totals, equal to `expected` (cost to 1e-9). */
async function expectStored(scope: Scope, expected: Tokens): Promise<void> {
  const layers = await storedTotals(scope.teamId);
  for (const [name, totals] of Object.entries(layers)) {
    expect({ layer: name, ...totals, costUsd: 0 }).toEqual({ layer: name, ...expected, costUsd: 0 });
    expect(Math.abs(totals.costUsd - expected.costUsd), name).toBeLessThan(1e-9);
  }
}

const nativeLine = (sessionId: string, callKey: string, inputTokens = 100, outputTokens = 10) =>
  JSON.stringify({
    sessionId,
    callKey,
    timestamp: "2026-03-02T10:00:00Z",
    model: "claude-sonnet-4-5",
    inputTokens,
    outputTokens,
  });

describe("native calls: a key identifies a call within its session", () => {
  it("stores the same key of two sessions as two calls, and the same key of one session once", async () => {
    const scope = await freshScope();
    const keys = ["a0", "a1", "a2", "a3", "a4"];
    const first = await upload(
      scope,
      "tool-a.jsonl",
      keys.map((key) => nativeLine("run-a", key)),
      "native",
    );
    const second = await upload(
      scope,
      "tool-b.jsonl",
      keys.map((key) => nativeLine("run-b", key, 200)),
      "native",
    );
    expect([first.calls, first.duplicates, second.calls, second.duplicates]).toEqual([5, 0, 5, 0]);

    // Sent again, in one upload with a key repeated inside it: every record names a stored call.
    const again = await upload(
      scope,
      "both.jsonl",
      [
        ...keys.map((key) => nativeLine("run-a", key)),
        ...keys.map((key) => nativeLine("run-b", key, 200)),
        nativeLine("run-b", "a0", 200),
      ],
      "native",
    );
    expect([again.calls, again.duplicates]).toEqual([0, 11]);
    // The same key twice in one new upload: one call (the larger copy), one duplicate.
    const repeated = await upload(
      scope,
      "c.jsonl",
      [nativeLine("run-c", "a0", 250), nativeLine("run-c", "a0", 300)],
      "native",
    );
    expect([repeated.calls, repeated.duplicates]).toEqual([1, 1]);
    // Sent again with more tokens, it replaces the stored copy; with fewer, it changes nothing.
    const larger = await upload(
      scope,
      "c2.jsonl",
      [nativeLine("run-c", "a0", 300, 50), nativeLine("run-c", "a0", 10)],
      "native",
    );
    expect([larger.calls, larger.duplicates]).toEqual([1, 1]);

    const runs = await db().run.findMany({ where: { teamId: scope.teamId }, orderBy: { externalId: "asc" } });
    expect(runs.map((run) => [run.externalId, run.calls, Number(run.inputTokens)])).toEqual([
      ["run-a", 5, 500],
      ["run-b", 5, 1000],
      ["run-c", 1, 300],
    ]);
    const stored = await storedTotals(scope.teamId);
    expect(stored.call).toMatchObject({ calls: 11, inputTokens: 1800, outputTokens: 150 });
  });

  it("keeps session ids that contain the separator apart", async () => {
    const scope = await freshScope();
    // Joined with ":" alone both would read "a:b:c".
    const result = await upload(scope, "colon.jsonl", [nativeLine("a:b", "c"), nativeLine("a", "b:c")], "native");
    expect([result.calls, result.duplicates]).toEqual([2, 0]);
  });
});

describe("a /btw sidechain copy counts once its original is known, in whatever order they arrive", () => {
  const session = "4f7c2a10-0000-4000-8000-000000000001";
  const main = [
    assistantLine({
      sessionId: session,
      messageId: "msg_main",
      requestId: "req_main",
      input: 1000,
      cacheRead: 20_000,
      output: 300,
      timestamp: "2026-03-03T10:00:00.000Z",
      content: [{ type: "tool_use", id: "tu_1", name: "Read", input: { file_path: "/src/a.ts" } }],
    }),
    userToolResultLine("tu_1", "export const a = 1;\n", { sessionId: session }),
    assistantLine({
      sessionId: session,
      messageId: "msg_next",
      requestId: "req_next",
      input: 50,
      cacheRead: 21_000,
      output: 80,
      timestamp: "2026-03-03T10:01:00.000Z",
    }),
  ];
  // The side question's copy: same message id, new request id, in a subagent-style file.
  const copy = assistantLine({
    sessionId: session,
    messageId: "msg_main",
    requestId: "req_btw",
    isSidechain: true,
    agentId: "b1",
    input: 1000,
    cacheRead: 20_000,
    output: 300,
    timestamp: "2026-03-05T10:02:00.000Z",
    content: [{ type: "tool_use", id: "tu_1", name: "Read", input: { file_path: "/src/a.ts" } }],
  });
  const agentCall = assistantLine({
    sessionId: session,
    messageId: "msg_agent",
    requestId: "req_agent",
    isSidechain: true,
    agentId: "b1",
    input: 400,
    cacheWrite5m: 3000,
    output: 90,
    timestamp: "2026-03-04T08:00:00.000Z",
  });
  const mainFile = `-home-dev-repo/${session}.jsonl`;
  const agentFile = `-home-dev-repo/${session}/subagents/agent-b1.jsonl`;

  it("drops the copy arriving after its original", async () => {
    const expected = await analyzeTotals({ [mainFile]: main, [agentFile]: [copy, agentCall] });
    expect(expected.calls).toBe(3);
    const scope = await freshScope();
    await upload(scope, mainFile, main);
    const late = await upload(scope, agentFile, [copy, agentCall]);
    expect([late.calls, late.duplicates]).toEqual([1, 1]);
    await expectStored(scope, expected);
  });

  it("retracts the copy stored before its original from the run and every rollup, split shares exact", async () => {
    const expected = await analyzeTotals({ [mainFile]: main, [agentFile]: [copy, agentCall] });
    const scope = await freshScope();
    const early = await upload(scope, agentFile, [copy, agentCall]);
    expect(early.calls).toBe(2);
    // A run split in thirds: the retraction must take each owner's exact share back.
    const [run] = early.runIds;
    const people = await Promise.all(["Ana", "Ben", "Cy"].map((displayName) => createPerson(scope, { displayName })));
    await splitRun(
      scope,
      run!,
      people.map((person, index) => ({ personId: person.id, percent: index === 2 ? 33.3334 : 33.3333 })),
    );

    const original = await upload(scope, mainFile, main);
    expect([original.calls, original.duplicates]).toEqual([2, 1]);
    await expectStored(scope, expected);
    expect(Math.abs(original.costUsd + early.costUsd - expected.costUsd)).toBeLessThan(1e-9);

    // Each owner holds exactly their share of the run.
    const shares = await db().$queryRaw<{ ownerId: string; calls: string; cost: string }[]>`
      SELECT ${DailySpend.ownerId}, sum(${DailySpend.calls})::text AS calls, sum(${DailySpend.costUsd})::text AS cost FROM ${DailySpend.$} WHERE ${DailySpend.teamId} = ${scope.teamId}::uuid GROUP BY 1 ORDER BY 1`;
    const runRow = await db().run.findFirstOrThrow({ where: { teamId: scope.teamId } });
    for (const share of shares) {
      const percent = share.ownerId === people[2]!.id ? 0.333334 : 0.333333;
      expect(Number(share.calls)).toBeCloseTo(3 * percent, 12);
      expect(Number(share.cost)).toBeCloseTo(Number(runRow.costUsd) * percent, 12);
    }

    // The copy's day held nothing else: no empty rollup row is left naming it.
    const empty = await db().$queryRaw<{ rows: number }[]>`
      SELECT ((SELECT count(*) FROM ${RunDaySpend.$} WHERE ${RunDaySpend.teamId} = ${scope.teamId}::uuid AND (${RunDaySpend.calls} = 0 OR ${RunDaySpend.day} = '2026-03-05'))
        + (SELECT count(*) FROM ${DailySpend.$} WHERE ${RunDaySpend.teamId} = ${scope.teamId}::uuid AND (${RunDaySpend.calls} = 0 OR ${RunDaySpend.day} = '2026-03-05')))::int AS rows`;
    expect(empty[0]!.rows).toBe(0);

    // The tool call the copy carried belongs to the original now, result and all.
    const mainCall = await db().call.findFirstOrThrow({ where: { teamId: scope.teamId, messageId: "msg_main" } });
    expect(mainCall.isSidechain).toBe(false);
    const tool = await db().toolCall.findFirstOrThrow({ where: { teamId: scope.teamId, toolUseId: "tu_1" } });
    expect(tool.callId).toBe(mainCall.id);
    expect(tool.outputHash).not.toBeNull();

    // Both files again, in either order: nothing changes.
    await upload(scope, agentFile, [copy, agentCall]);
    await upload(scope, mainFile, main);
    await expectStored(scope, expected);
  });

  it("holds when the copy and its original are uploaded at the same time", async () => {
    const expected = await analyzeTotals({ [mainFile]: main, [agentFile]: [copy, agentCall] });
    for (let round = 0; round < 4; round += 1) {
      const scope = await freshScope();
      await Promise.all([upload(scope, agentFile, [copy, agentCall]), upload(scope, mainFile, main)]);
      await expectStored(scope, expected);
    }
  });
});

describe("messages without an id", () => {
  it("count once per line, as in trh analyze, even when the lines share a request id", async () => {
    const session = "4f7c2a10-0000-4000-8000-000000000002";
    const lines = [
      assistantLine({ sessionId: session, messageId: null, requestId: "req_same", input: 10, output: 3, uuid: "u-a" }),
      assistantLine({ sessionId: session, messageId: null, requestId: "req_same", input: 10, output: 7, uuid: "u-b" }),
    ];
    const expected = await analyzeTotals({ [`-p/${session}.jsonl`]: lines });
    expect(expected.calls).toBe(2);
    const scope = await freshScope();
    await upload(scope, `-p/${session}.jsonl`, lines);
    const again = await upload(scope, `-p/${session}.jsonl`, lines);
    expect([again.calls, again.duplicates]).toEqual([0, 2]);
    await expectStored(scope, expected);
  });

  it("are the same calls whatever name their file arrives under (a folder, one file, a dropped folder)", async () => {
    const session = "4f7c2a10-0000-4000-8000-000000000003";
    const lines = [
      assistantLine({ sessionId: session, messageId: null, requestId: null, input: 10, output: 3, uuid: "u-c" }),
      assistantLine({ sessionId: session, messageId: null, requestId: null, input: 20, output: 4, uuid: "u-d" }),
    ];
    const expected = await analyzeTotals({ [`-p/${session}.jsonl`]: lines });
    const scope = await freshScope();
    for (const name of [`-p/${session}.jsonl`, `projects/-p/${session}.jsonl`, `${session}.jsonl`])
      await upload(scope, name, lines);
    await expectStored(scope, expected);
  });
});
