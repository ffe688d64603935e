/**
 * Untrusted input through the real ingest routes, on Postgres and on the embedded database:
 * every hostile record of lib/testing/hostile-records.ts is a line error in a 200 answer while the
 * good records of the same upload are stored (issue 10, point 3); format detection recognises
 * every accepted format and a body with nothing readable is a 400 naming what was expected
 * (point 2). Nothing an ingest key can send answers 500.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { POST as postLogs } from "@/app/api/otlp/v1/logs/route";
import { POST as postIngest } from "@/app/api/v1/ingest/route";
import { closeDb, db } from "@/lib/db/client";
import { applyMigrations } from "@/lib/db/migrate";
import { otlpProtobuf } from "@/lib/ingest/parsers/otlp";
import { createTestTeam, type TestTeam } from "@/lib/testing/fixtures";
import { hostileCases } from "@/lib/testing/hostile-records";

const ingest = (key: string, query: string, body: BodyInit, headers: Record<string, string> = {}) =>
  postIngest(
    new Request(`http://test/api/v1/ingest?${query}`, {
      method: "POST",
      body,
      headers: { authorization: `Bearer ${key}`, ...headers },
    }),
    undefined as never,
  );

const storedCalls = (team: TestTeam) => db().call.count({ where: { teamId: team.teamId } });

/** An ExportLogsServiceRequest with one api_request record per entry of `records` (attribute overrides). */
function protobufLogs(records: Record<string, unknown>[]): Uint8Array {
  const text = (value: string) => ({ stringValue: value });
  const message = otlpProtobuf.logs.v1.ExportLogsServiceRequest;
  const logRecords = records.map((overrides, index) => ({
    timeUnixNano: "1770700000000000000",
    body: text("claude_code.api_request"),
    attributes: Object.entries({
      "event.name": text("api_request"),
      "session.id": text("hostile-protobuf"),
      model: text("claude-opus-4-6"),
      request_id: text(`req_protobuf_${index}_${Math.random()}`),
      input_tokens: { intValue: 3 },
      output_tokens: { intValue: 40 },
      ...overrides,
    }).map(([key, value]) => ({ key, value })),
  }));
  return message.encode(message.fromObject({ resourceLogs: [{ scopeLogs: [{ logRecords }] }] })).finish();
}

/**
 * A protobuf logs request whose one attribute value nests `depth` key-value lists. Written
 * outermost first from precomputed lengths: encoding a message this deep would overflow the stack.
 */
function deepProtobufLogs(depth: number): Buffer {
  const varint = (value: number) => {
    const bytes: number[] = [];
    while (value > 0x7f) {
      bytes.push((value & 0x7f) | 0x80);
      value >>>= 7;
    }
    bytes.push(value);
    return bytes;
  };
  const field = (tag: number, length: number) => [tag, ...varint(length)];
  const inner = [0x0a, 1, 0x78]; // AnyValue { string_value: "x" }
  // Per level, from inside out: KeyValue { key "k", value AnyValue } <- KeyValueList { values } <- AnyValue { kvlist_value }
  const prefixes: number[][] = [];
  let length = inner.length;
  for (let level = 0; level < depth; level += 1) {
    const keyValue = [0x0a, 1, 0x6b, ...field(0x12, length)];
    length += keyValue.length;
    const list = field(0x0a, length);
    length += list.length;
    const anyValue = field(0x32, length);
    length += anyValue.length;
    prefixes.push([...anyValue, ...list, ...keyValue]);
  }
  // LogRecord { attributes: KeyValue { key "k", value } } <- ScopeLogs { log_records } <- ResourceLogs { scope_logs } <- request { resource_logs }
  const attribute = [0x0a, 1, 0x6b, ...field(0x12, length)];
  length += attribute.length;
  const outer: number[][] = [attribute];
  for (const tag of [0x32, 0x12, 0x12, 0x0a]) {
    const wrap = field(tag, length);
    length += wrap.length;
    outer.unshift(wrap);
  }
  return Buffer.concat([
    ...outer.map((bytes) => Buffer.from(bytes)),
    ...prefixes.reverse().map((bytes) => Buffer.from(bytes)),
    Buffer.from(inner),
  ]);
}

function hostileSuite(database: "postgres" | "embedded") {
  describe(`hostile records and format detection through the routes (${database})`, () => {
    let team: TestTeam;
    const dataDir = database === "embedded" ? mkdtempSync(path.join(tmpdir(), "trh-hostile-")) : null;

    beforeAll(async () => {
      if (dataDir !== null) {
        await closeDb();
        vi.stubEnv("DATABASE_URL", "");
        vi.stubEnv("TRH_DATA_DIR", dataDir);
        await applyMigrations();
      }
      team = await createTestTeam(`hostile-${database}`);
    });

    afterAll(async () => {
      await closeDb();
      if (dataDir !== null) {
        vi.unstubAllEnvs();
        rmSync(dataDir, { recursive: true, force: true });
      }
    });

    for (const hostile of hostileCases(`vt-${database}`)) {
      it(`${hostile.name}: ${hostile.error === null ? "cleaned" : "a line error"}, the good records stored`, async () => {
        const before = await storedCalls(team);
        const response = await ingest(
          team.ingestKey,
          `format=${hostile.format}&file=${encodeURIComponent(hostile.file)}`,
          hostile.body,
        );
        const body = await response.json();
        expect(response.status, JSON.stringify(body).slice(0, 500)).toBe(200);
        expect(body.calls).toBe(hostile.goodCalls);
        if (hostile.error === null) expect(body.errors).toEqual([]);
        else
          expect(body.errors).toContainEqual({
            line: hostile.error.line,
            message: expect.stringMatching(hostile.error.message),
          });
        expect(await storedCalls(team)).toBe(before + hostile.goodCalls);
        const batch = await db().ingestBatch.findFirstOrThrow({ where: { teamId: team.teamId, id: body.batchId } });
        expect(batch).toMatchObject({ status: "COMPLETE", calls: hostile.goodCalls, errorCount: body.errorCount });
      });
    }

    it("stores cleaned text with U+FFFD where NUL and lone surrogates were", async () => {
      const branches = await db().run.findMany({
        where: { teamId: team.teamId, gitBranch: { contains: "feat" } },
        select: { gitBranch: true },
      });
      expect(branches.map((run) => run.gitBranch)).toEqual(["feat\uFFFD\uFFFD"]);
    });

    it("refuses a file name with a NUL byte with a 400 naming the parameter, storing nothing", async () => {
      const before = await storedCalls(team);
      const response = await ingest(
        team.ingestKey,
        `format=auto&file=${encodeURIComponent("bad\u0000name.jsonl")}`,
        hostileCases(`nul-name-${database}`)[0]!.body,
      );
      expect(response.status).toBe(400);
      expect((await response.json()).error.message).toMatch(/^file: .*control characters/);
      expect(await storedCalls(team)).toBe(before);
    });

    it("OTLP protobuf: a hostile record is a rejected record, the good ones are stored", async () => {
      const before = await storedCalls(team);
      const body = protobufLogs([
        {},
        { input_tokens: { intValue: 3_000_000_000 } },
        { model: { stringValue: "opus\u0000" } },
        {},
      ]);
      const response = await postLogs(
        new Request("http://test/api/otlp/v1/logs", {
          method: "POST",
          body: new Uint8Array(body),
          headers: { authorization: `Bearer ${team.ingestKey}`, "content-type": "application/x-protobuf" },
        }),
        undefined as never,
      );
      expect(response.status).toBe(200);
      expect(await storedCalls(team)).toBe(before + 2);
      const batch = await db().ingestBatch.findFirstOrThrow({
        where: { teamId: team.teamId, format: "otlp-logs" },
        orderBy: { startedAt: "desc" },
      });
      expect(batch).toMatchObject({ status: "COMPLETE", calls: 2, errorCount: 2 });
    });

    it("OTLP protobuf nested 100,000 levels deep: refused as a whole (400), never a 500", async () => {
      const response = await postLogs(
        new Request("http://test/api/otlp/v1/logs", {
          method: "POST",
          body: new Uint8Array(deepProtobufLogs(100_000)),
          headers: { authorization: `Bearer ${team.ingestKey}`, "content-type": "application/x-protobuf" },
        }),
        undefined as never,
      );
      expect(response.status).toBe(400);
      expect((await response.json()).error.message).toMatch(/not a valid OTLP protobuf message/);
    });

    it("detects native JSONL with format=auto, and refuses it sent as Claude Code", async () => {
      const line = (key: string) =>
        JSON.stringify({
          sessionId: `native-detect-${database}`,
          callKey: key,
          timestamp: "2026-02-10T10:00:00Z",
          model: "claude-sonnet-4-5",
          inputTokens: 5,
          outputTokens: 1,
        });
      const text = `${[line("k1"), line("k2")].join("\n")}\n`;
      const auto = await ingest(team.ingestKey, "format=auto&file=calls.jsonl", text);
      expect(auto.status).toBe(200);
      expect(await auto.json()).toMatchObject({ calls: 2, errorCount: 0 });
      const wrong = await ingest(team.ingestKey, "format=claude-code&file=calls.jsonl", text);
      expect(wrong.status).toBe(400);
      expect((await wrong.json()).error.message).toMatch(/calls\.jsonl looks like native, not claude-code/);
    });

    it("refuses a body with nothing readable, naming what was expected", async () => {
      for (const body of ["", "\n\n", '{"hello":"world"}\n', "not json at all\n"]) {
        const response = await ingest(team.ingestKey, "format=auto&file=notes.jsonl", body);
        expect(response.status, JSON.stringify(body)).toBe(400);
        expect((await response.json()).error.message).toMatch(
          /^no Claude Code, Codex, OTLP or native records found in notes\.jsonl; expected .*native lines/,
        );
      }
      // Lines of a known format from which nothing could be read are refused the same way, and the batch says so.
      const response = await ingest(team.ingestKey, "format=native&file=foreign.jsonl", '{"hello":"world"}\n');
      expect(response.status).toBe(400);
      expect((await response.json()).error.message).toMatch(
        /no Claude Code, Codex, OTLP or native records found in foreign\.jsonl/,
      );
    });
  });
}

hostileSuite("postgres");
hostileSuite("embedded");
