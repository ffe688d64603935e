/**
 * The OTLP receiver through its routes: Claude Code's api_request log events (JSON and protobuf)
 * land on the same run and the same calls as the transcript of the session, so a team sending
 * both never pays twice; identities come from user.email; keys are checked.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, db } from "@/lib/db/client";
import { ingestFile } from "@/lib/ingest/ingest-file";
import { otlpProtobuf } from "@/lib/ingest/parsers/otlp";
import { spendByGroup } from "@/lib/queries/spend-by-group";
import { createTestTeam, type TestTeam, userScope } from "@/lib/testing/fixtures";
import { wholeRange } from "@/lib/testing/ingest-fixtures";
import { POST as postLogs } from "./v1/logs/route";
import { POST as postTraces } from "./v1/traces/route";

const transcript = "fixtures/real/spotter/test/fixtures/transcripts/short.jsonl";
const sessionId = "55604662-cf2a-4331-851a-ec234028f8ca";
const text = (value: string) => ({ stringValue: value });

/** One api_request event; telemetry repeats the transcript's input and cache counts, with the final output. */
function apiRequestLogs(
  requestId: string,
  tokens: { input: number; output: number; cacheRead: number; cacheCreation: number },
) {
  return {
    resourceLogs: [
      {
        resource: { attributes: [{ key: "service.name", value: text("claude-code") }] },
        scopeLogs: [
          {
            logRecords: [
              {
                timeUnixNano: "1770700000000000000",
                body: text("claude_code.api_request"),
                attributes: [
                  { key: "event.name", value: text("api_request") },
                  { key: "session.id", value: text(sessionId) },
                  { key: "user.email", value: text("Marco@Example.com") },
                  { key: "model", value: text("claude-opus-4-6") },
                  { key: "request_id", value: text(requestId) },
                  { key: "input_tokens", value: { intValue: String(tokens.input) } },
                  { key: "output_tokens", value: { intValue: String(tokens.output) } },
                  { key: "cache_read_tokens", value: { intValue: String(tokens.cacheRead) } },
                  { key: "cache_creation_tokens", value: { intValue: String(tokens.cacheCreation) } },
                ],
              },
            ],
          },
        ],
      },
    ],
  };
}

let team: TestTeam;
const post = (route: typeof postLogs, key: string, body: BodyInit, contentType: string) =>
  route(
    new Request("http://test/api/otlp/v1/logs", {
      method: "POST",
      body,
      headers: { authorization: `Bearer ${key}`, "content-type": contentType },
    }),
    undefined as never,
  );

beforeAll(async () => {
  team = await createTestTeam("otlp");
});
afterAll(closeDb);

describe("OTLP receiver", () => {
  it("matches telemetry to the transcript's calls by request id and keeps the larger, final counts", async () => {
    const scope = userScope(team);
    const imported = await ingestFile(scope, {
      format: "claude-code",
      fileName: "short.jsonl",
      body: { bytes: [readFileSync(transcript)] as unknown as AsyncIterable<Uint8Array>, gzip: false },
    });
    const before = (await spendByGroup(scope, { ...wholeRange, groupBy: "day" })).totals;
    // A call with 1-hour cache writes: telemetry has no 5m/1h split, and the transcript's must stay.
    const call = await db().call.findFirstOrThrow({
      where: { teamId: team.teamId, cacheWrite1h: { gt: 0 } },
      orderBy: { timestamp: "asc" },
    });
    const requestId = call.requestId!;

    const response = await post(
      postLogs,
      team.ingestKey,
      JSON.stringify(
        apiRequestLogs(requestId, {
          input: call.uncachedInput,
          output: call.output + 100,
          cacheRead: call.cacheRead,
          cacheCreation: call.cacheWrite5m + call.cacheWrite1h,
        }),
      ),
      "application/json",
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({});
    const after = (await spendByGroup(scope, { ...wholeRange, groupBy: "day" })).totals;
    expect(after.calls).toBe(before.calls);
    expect(after.outputTokens).toBe(before.outputTokens + 100);
    expect(imported.calls).toBe(before.calls);
    const upgraded = await db().call.findFirstOrThrow({ where: { teamId: team.teamId, id: call.id } });
    expect(upgraded).toMatchObject({
      cacheWrite1h: call.cacheWrite1h,
      cacheWrite5m: call.cacheWrite5m,
      output: call.output + 100,
    });
    // opus 4.6: the 100 extra output tokens at $25 per million are the only change in cost.
    expect(Number(upgraded.costUsd) - Number(call.costUsd)).toBeCloseTo((100 * 25) / 1e6, 9);
    const runs = await db().run.findMany({ where: { teamId: team.teamId } });
    expect(runs).toHaveLength(1);
  });

  it("accepts protobuf, answers in protobuf, and records the telemetry's user as the run's identity", async () => {
    const message = otlpProtobuf.logs.v1.ExportLogsServiceRequest;
    const body = message
      .encode(
        message.fromObject(
          apiRequestLogs("req_protobuf_only", { input: 3, output: 42, cacheRead: 0, cacheCreation: 0 }),
        ),
      )
      .finish();
    const response = await post(postLogs, team.ingestKey, Buffer.from(body), "application/x-protobuf");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/x-protobuf");
    const stored = await db().call.findFirstOrThrow({ where: { teamId: team.teamId, requestId: "req_protobuf_only" } });
    expect(stored.output).toBe(42);
    const identity = await db().identity.findFirstOrThrow({ where: { teamId: team.teamId, kind: "email" } });
    expect(identity.value).toBe("marco@example.com");
  });

  it("reports unusable records as a partial success and refuses a read-only key", async () => {
    const bad = {
      resourceSpans: [
        {
          scopeSpans: [
            {
              spans: [
                { spanId: "01", name: "chat x", attributes: [{ key: "gen_ai.operation.name", value: text("chat") }] },
              ],
            },
          ],
        },
      ],
    };
    const response = await post(postTraces, team.ingestKey, JSON.stringify(bad), "application/json");
    expect(response.status).toBe(200);
    expect((await response.json()).partialSuccess.rejectedSpans).toBe("1");
    const refused = await post(postTraces, team.readKey, JSON.stringify(bad), "application/json");
    expect(refused.status).toBe(403);
  });

  it("writes concurrent requests of one sender together, answering each with its own refused records", async () => {
    const scope = userScope(team);
    const before = (await spendByGroup(scope, { ...wholeRange, groupBy: "day" })).totals;
    const batchesBefore = await db().ingestBatch.count({ where: { teamId: team.teamId } });
    // Twelve exporters' bodies at once; every third also carries a record without a session id.
    const bodies = Array.from({ length: 12 }, (_, index) => {
      const body = apiRequestLogs(`req_grouped_${index}`, {
        input: 10 + index,
        output: 5,
        cacheRead: 0,
        cacheCreation: 0,
      });
      const records = body.resourceLogs[0]!.scopeLogs[0]!.logRecords;
      if (index % 3 === 0)
        records.push({
          ...records[0]!,
          attributes: records[0]!.attributes.filter((attribute) => attribute.key !== "session.id"),
        });
      return JSON.stringify(body);
    });
    const responses = await Promise.all(bodies.map((body) => post(postLogs, team.ingestKey, body, "application/json")));
    const answers = await Promise.all(responses.map((response) => response.json()));
    expect(responses.every((response) => response.status === 200)).toBe(true);
    answers.forEach((answer, index) => {
      if (index % 3 === 0) expect(answer.partialSuccess).toMatchObject({ rejectedLogRecords: "1" });
      else expect(answer).toEqual({});
    });
    const after = (await spendByGroup(scope, { ...wholeRange, groupBy: "day" })).totals;
    expect(after.calls - before.calls).toBe(12);
    expect(after.inputTokens - before.inputTokens).toBe(
      Array.from({ length: 12 }, (_, i) => 10 + i).reduce((a, b) => a + b),
    );
    // The first request is written at once; the eleven that arrive meanwhile wait and go together.
    const batches = (await db().ingestBatch.count({ where: { teamId: team.teamId } })) - batchesBefore;
    expect(batches).toBeGreaterThanOrEqual(1);
    expect(batches).toBeLessThan(12);
  });
});
