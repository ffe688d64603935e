/**
 * `POST /api/v1/ingest/files` on the real Postgres server: many files in one request are one
 * batch with the same calls as the files sent one by one; line errors name their file and line;
 * a file that fits no format is that file's error while the others are stored; a body cut inside
 * a file is refused and stores nothing of that file's half.
 */
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST } from "@/app/api/v1/ingest/files/route";
import { closeDb, db } from "@/lib/db/client";
import { createTestTeam, type TestTeam } from "@/lib/testing/fixtures";
import { fileFrame } from "./file-frames";
import { assistantLine } from "./parsers/__fixtures__/trace-lines";

let team: TestTeam;
beforeAll(async () => {
  team = await createTestTeam("files");
});
afterAll(async () => {
  await closeDb();
});

const post = (body: Buffer, gzip = false) =>
  POST(
    new Request("http://test/api/v1/ingest/files", {
      method: "POST",
      body: new Uint8Array(gzip ? gzipSync(body) : body),
      headers: { authorization: `Bearer ${team.ingestKey}`, ...(gzip ? { "content-encoding": "gzip" } : {}) },
    }),
    undefined as never,
  );

const lines = (session: string, count: number) =>
  `${Array.from({ length: count }, (_, i) =>
    assistantLine({
      sessionId: session,
      messageId: `${session}_m${i}`,
      requestId: `${session}_r${i}`,
      input: 100 + i,
      output: 10,
    }),
  ).join("\n")}\n`;

describe("many files in one request", () => {
  it("stores them as one batch, names each line error's file, and refuses only the file that fits no format", async () => {
    const body = Buffer.concat([
      fileFrame({ file: "-home-dev-a/a.jsonl", format: "claude-code" }, Buffer.from(lines("files-a", 3))),
      fileFrame({ file: "-home-dev-b/b.jsonl", format: "auto" }, Buffer.from(`${lines("files-b", 2)}{not json\n`)),
      fileFrame({ file: "notes.txt", format: "auto" }, Buffer.from("just some text\n")),
      fileFrame({ file: "-home-dev-c/c.jsonl", format: "claude-code" }, Buffer.from(lines("files-c", 4))),
    ]);
    const response = await post(body, true);
    expect(response.status).toBe(200);
    const result = await response.json();
    expect(result).toMatchObject({ files: 4, runs: 3, calls: 9, duplicates: 0, errorCount: 2 });
    expect(result.errors).toEqual([
      {
        file: "notes.txt",
        line: 0,
        message: expect.stringMatching(/no Claude Code, Codex, OTLP or native records found in notes.txt/),
      },
      { file: "-home-dev-b/b.jsonl", line: 3, message: expect.any(String) },
    ]);
    const batches = await db().ingestBatch.findMany({ where: { teamId: team.teamId } });
    expect(batches).toHaveLength(1);
    expect(batches[0]).toMatchObject({ status: "COMPLETE", calls: 9, runs: 3 });
    expect(await db().call.count({ where: { teamId: team.teamId } })).toBe(9);

    // The same files again: every call a duplicate, nothing added.
    const again = await (await post(body)).json();
    expect(again).toMatchObject({ calls: 0, duplicates: 9 });
    expect(await db().call.count({ where: { teamId: team.teamId } })).toBe(9);
  });

  it("takes gzip files as they are and OTLP exports among the files; reports each file and progress as NDJSON", async () => {
    const text = (value: string) => ({ stringValue: value });
    const otlpExport = {
      resourceLogs: [
        {
          resource: { attributes: [{ key: "service.name", value: text("claude-code") }] },
          scopeLogs: [
            {
              logRecords: [
                {
                  timeUnixNano: "1767225605000000000",
                  body: text("claude_code.api_request"),
                  attributes: Object.entries({
                    "event.name": "api_request",
                    "event.timestamp": "2026-01-01T00:00:04.500Z",
                    "session.id": "files-otlp",
                    "user.email": "dev@example.com",
                    model: "claude-opus-4-6",
                    input_tokens: "12",
                    output_tokens: "340",
                    request_id: "req_files_otlp",
                  }).map(([key, value]) => ({ key, value: text(value) })),
                },
              ],
            },
          ],
        },
      ],
    };
    const body = Buffer.concat([
      fileFrame({ file: "-home-dev-g/g.jsonl", format: "auto", gzip: true }, gzipSync(lines("files-g", 3))),
      fileFrame({ file: "export.json", format: "auto" }, Buffer.from(JSON.stringify(otlpExport))),
      fileFrame({ file: "notes.txt", format: "auto" }, Buffer.from("just some text\n")),
    ]);
    const response = await POST(
      new Request("http://test/api/v1/ingest/files", {
        method: "POST",
        body: new Uint8Array(body),
        headers: {
          authorization: `Bearer ${team.ingestKey}`,
          accept: "application/x-ndjson",
          "content-length": String(body.length),
        },
      }),
      undefined as never,
    );
    expect(response.headers.get("content-type")).toContain("application/x-ndjson");
    const messages = (await response.text())
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(messages.filter((message) => message.type === "file")).toEqual([
      { type: "file", index: 0, file: "-home-dev-g/g.jsonl", refused: null },
      { type: "file", index: 1, file: "export.json", refused: null },
      { type: "file", index: 2, file: "notes.txt", refused: expect.stringMatching(/no Claude Code/) },
    ]);
    expect(messages.some((message) => message.type === "progress")).toBe(true);
    expect(messages.at(-1)).toMatchObject({ type: "result", files: 3, runs: 2, calls: 4, errorCount: 1 });
    expect(await db().call.count({ where: { teamId: team.teamId, requestId: "req_files_otlp" } })).toBe(1);
  });

  it("refuses a body cut inside a file, a bad header, and an unknown format", async () => {
    const whole = fileFrame({ file: "cut.jsonl", format: "claude-code" }, Buffer.from(lines("files-cut", 2)));
    const cut = await post(whole.subarray(0, whole.length - 20));
    expect(cut.status).toBe(400);
    expect((await cut.json()).error.message).toMatch(/ends inside cut.jsonl/);
    const header = await post(Buffer.from('{"file": 3}\n'));
    expect(header.status).toBe(400);
    const format = await (
      await post(fileFrame({ file: "x.jsonl", format: "csv" }, Buffer.from(lines("files-x", 1))))
    ).json();
    expect(format.errors).toEqual([{ file: "x.jsonl", line: 0, message: expect.stringMatching(/accepted formats/) }]);
    expect(await db().call.count({ where: { teamId: team.teamId, callKey: { contains: "files-cut" } } })).toBe(0);
  });
});
