/**
 * Tool output text: stored at ingest cut to its first 64 KiB of UTF-8 (between characters, NUL
 * made U+FFFD), its size and hash still of the whole; read back only for a run the caller may see;
 * a re-import adds the text to a result stored before it was kept.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as getToolCall } from "@/app/api/v1/runs/[id]/tool-calls/[toolCallId]/route";
import type { Scope } from "@/lib/auth/scope";
import { closeDb, db } from "@/lib/db/client";
import { table } from "@/lib/db/tables";
import { teamDb } from "@/lib/db/team-db";
import { ingestFile } from "@/lib/ingest/ingest-file";
import { capUtf8, TOOL_OUTPUT_MAX_BYTES } from "@/lib/ingest/normalized-call";
import { assistantLine, userToolResultLine } from "@/lib/ingest/parsers/__fixtures__/trace-lines";
import { createTestTeam, type TestTeam, userScope } from "@/lib/testing/fixtures";
import { toolOutput } from "./tool-output";

const ToolCall = table("ToolCall");

let team: TestTeam;
let scope: Scope;
// 30,000 × "é€" is 150,000 bytes: the cut falls inside a character whichever way it is aligned.
const big = `start\u0000${"é€".repeat(30_000)}`;
const small = "<script>alert(1)</script> ok";

const transcript = [
  assistantLine({
    sessionId: "tool-output",
    messageId: "msg_a",
    requestId: "req_a",
    content: [
      { type: "tool_use", id: "toolu_big", name: "Bash", input: { command: "cat big.log" } },
      { type: "tool_use", id: "toolu_small", name: "Read", input: { file_path: "/x.html" } },
    ],
  }),
  userToolResultLine("toolu_big", big, { sessionId: "tool-output" }),
  userToolResultLine("toolu_small", small, { sessionId: "tool-output" }),
].join("\n");

async function ingestTranscript() {
  const result = await ingestFile(scope, {
    format: "claude-code",
    fileName: "tool-output.jsonl",
    body: { bytes: [Buffer.from(`${transcript}\n`)], gzip: false },
  });
  expect(result.errors).toEqual([]);
}

beforeAll(async () => {
  team = await createTestTeam("tool-output");
  scope = userScope(team);
  await ingestTranscript();
});

afterAll(closeDb);

const toolCall = (toolUseId: string) => teamDb(scope).toolCall.findFirstOrThrow({ where: { toolUseId } });

describe("stored tool output", () => {
  it("is cut to 64 KiB between characters, its size and tokens of the whole output", async () => {
    const row = await toolCall("toolu_big");
    const stored = row.outputText!;
    expect(Buffer.byteLength(stored)).toBeLessThanOrEqual(TOOL_OUTPUT_MAX_BYTES);
    expect(Buffer.byteLength(stored)).toBeGreaterThan(TOOL_OUTPUT_MAX_BYTES - 3);
    expect(stored.startsWith("start\uFFFDé€é€")).toBe(true);
    expect(stored.endsWith("\uFFFD")).toBe(false);
    expect(big.replace("\u0000", "\uFFFD").startsWith(stored)).toBe(true);
    expect(row.outputBytes).toBe(Buffer.byteLength(big));
    expect(row.outputTokens).toBe(Math.round(Buffer.byteLength(big) / 4));
    expect((await toolCall("toolu_small")).outputText).toBe(small);
  });

  it("caps any text at a character boundary", () => {
    expect(capUtf8("abc", 2)).toBe("ab");
    expect(capUtf8("a€", 3)).toBe("a");
    expect(capUtf8("a€", 4)).toBe("a€");
    expect(capUtf8("\uFFFD\uFFFD", 3)).toBe("\uFFFD");
  });

  it("is read back with its size, for a run the caller may see only", async () => {
    const row = await toolCall("toolu_big");
    const output = await toolOutput(scope, row.runId, row.id.toString());
    expect(output).toMatchObject({ name: "Bash", summary: "cat big.log", truncated: true, isError: false });
    expect(output!.outputText).toBe(row.outputText);
    const smallRow = await toolCall("toolu_small");
    expect(await toolOutput(scope, smallRow.runId, smallRow.id.toString())).toMatchObject({ truncated: false });
    // Another team's key, and a member who does not own the run, get nothing.
    const other = await createTestTeam("tool-output-other");
    expect(await toolOutput(userScope(other), row.runId, row.id.toString())).toBeNull();
    expect(await toolOutput(userScope(team, "MEMBER", other.adminUserId), row.runId, row.id.toString())).toBeNull();
    const call = (key: string, runId: string, id: string) =>
      getToolCall(
        new Request(`http://test/api/v1/runs/${runId}/tool-calls/${id}`, {
          headers: { authorization: `Bearer ${key}` },
        }),
        { params: Promise.resolve({ id: runId, toolCallId: id }) },
      );
    const response = await call(team.readKey, row.runId, row.id.toString());
    expect(response.status).toBe(200);
    expect(((await response.json()) as { toolCall: { outputText: string } }).toolCall.outputText).toBe(row.outputText);
    expect((await call(other.readKey, row.runId, row.id.toString())).status).toBe(404);
    expect((await call(team.readKey, row.runId, "99999999999999999999")).status).toBe(404);
  });

  it("is added by a re-import to a result stored before text was kept", async () => {
    await db()
      .$executeRaw`UPDATE ${ToolCall.$} SET ${ToolCall.outputText} = NULL WHERE ${ToolCall.teamId} = ${team.teamId}::uuid`;
    await ingestTranscript();
    expect((await toolCall("toolu_small")).outputText).toBe(small);
    expect(Buffer.byteLength((await toolCall("toolu_big")).outputText!)).toBeGreaterThan(60_000);
  });
});
