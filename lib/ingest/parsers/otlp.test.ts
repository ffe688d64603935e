import { describe, expect, it } from "vitest";
import { HttpError } from "@/lib/http/errors";
import type { NormalizedCall, TraceEvent } from "../normalized-call";
import { otlpProtobuf, type ProtobufMessageType, parseOtlpLogs, parseOtlpTraces } from "./otlp";

const TRACE_ID = "5b8efff798038103d269b633813fc60c";
const json = (request: unknown) => new TextEncoder().encode(JSON.stringify(request));
const text = (value: string) => ({ stringValue: value });
const attribute = (key: string, value: unknown) => ({ key, value });

function calls(events: TraceEvent[]): NormalizedCall[] {
  return events.flatMap((event) => (event.kind === "call" ? [event.call] : []));
}

/**
 * The same request as protobuf, built with the generated encoder. Ids become bytes (they are hex
 * in JSON); 64-bit values stay as given, strings or numbers.
 */
function protobuf(messageType: ProtobufMessageType, request: Record<string, unknown>): Uint8Array {
  const withByteIds = JSON.parse(JSON.stringify(request), (key, value: unknown) =>
    (key === "traceId" || key === "spanId") && typeof value === "string" ? Buffer.from(value, "hex") : value,
  ) as Record<string, unknown>;
  return messageType.encode(messageType.fromObject(withByteIds)).finish();
}

const span = (spanId: string, attributes: unknown[], extra: Record<string, unknown> = {}) => ({
  traceId: TRACE_ID,
  spanId,
  name: "span",
  kind: 3,
  startTimeUnixNano: "1767225600000000000",
  endTimeUnixNano: "1767225601500000000",
  attributes,
  ...extra,
});

const tracesRequest = {
  resourceSpans: [
    {
      resource: {
        attributes: [
          attribute("service.name", text("agent")),
          attribute("service.version", text("1.2.3")),
          attribute("team", text("platform")),
        ],
      },
      scopeSpans: [
        {
          scope: { name: "genai-instrumentation" },
          spans: [
            span("0000000000000001", [
              attribute("gen_ai.operation.name", text("chat")),
              attribute("gen_ai.request.model", text("claude-sonnet-4-5")),
              attribute("gen_ai.response.model", text("claude-sonnet-4-5-20250929")),
              attribute("gen_ai.response.id", text("msg_01")),
              attribute("gen_ai.conversation.id", text("conv-1")),
              attribute("user.email", text("dev@example.com")),
              // 64-bit ints as a decimal string and as a number.
              attribute("gen_ai.usage.input_tokens", { intValue: "1500" }),
              attribute("gen_ai.usage.output_tokens", { intValue: 200 }),
              attribute("gen_ai.usage.cache_read.input_tokens", { intValue: "1000" }),
              attribute("gen_ai.usage.cache_creation.input_tokens", { intValue: 300 }),
              attribute("gen_ai.usage.reasoning.output_tokens", { intValue: "50" }),
              attribute("gen_ai.response.finish_reasons", { arrayValue: { values: [text("stop")] } }),
            ]),
            // Deprecated usage names, no response id, no conversation id.
            span(
              "0000000000000002",
              [
                attribute("gen_ai.operation.name", text("text_completion")),
                attribute("gen_ai.request.model", text("gpt-4o")),
                attribute("gen_ai.usage.prompt_tokens", { intValue: 100 }),
                attribute("gen_ai.usage.completion_tokens", { intValue: "20" }),
              ],
              { status: { code: 2, message: "rate limited" } },
            ),
            span("0000000000000003", [
              attribute("gen_ai.operation.name", text("execute_tool")),
              attribute("gen_ai.tool.name", text("bash")),
            ]),
            span("0000000000000004", [
              attribute("gen_ai.operation.name", text("invoke_agent")),
              attribute("gen_ai.usage.input_tokens", { intValue: 99999 }),
            ]),
            span("0000000000000005", [attribute("http.request.method", text("POST"))]),
            span("0000000000000006", [
              attribute("gen_ai.operation.name", text("chat")),
              attribute("gen_ai.usage.input_tokens", { intValue: 5 }),
            ]),
            // Cache counts larger than input (a buggy exporter): uncached input floors at 0.
            span(
              "0000000000000007",
              [
                attribute("gen_ai.operation.name", text("chat")),
                attribute("gen_ai.request.model", text("claude-sonnet-4-5")),
                attribute("gen_ai.conversation.id", text("conv-1")),
                attribute("gen_ai.usage.input_tokens", { intValue: 10 }),
                attribute("gen_ai.usage.cache_read.input_tokens", { intValue: 50 }),
                attribute("gen_ai.usage.output_tokens", { doubleValue: 7 }),
              ],
              { endTimeUnixNano: 1767225700000000000 },
            ),
          ],
        },
      ],
    },
  ],
};

const logsRequest = {
  resourceLogs: [
    {
      resource: {
        attributes: [
          attribute("service.name", text("claude-code")),
          attribute("service.version", text("2.1.39")),
          attribute("cost_center", text("payments")),
        ],
      },
      scopeLogs: [
        {
          scope: { name: "com.anthropic.claude_code.events", version: "2.1.39" },
          logRecords: [
            {
              timeUnixNano: "1767225605000000000",
              observedTimeUnixNano: "1767225605000000000",
              body: text("claude_code.api_request"),
              attributes: [
                attribute("event.name", text("api_request")),
                attribute("event.timestamp", text("2026-01-01T00:00:04.500Z")),
                attribute("session.id", text("sess-1")),
                attribute("user.email", text("dev@example.com")),
                attribute("user.account_uuid", text("acc-1")),
                attribute("organization.id", text("org-1")),
                attribute("model", text("claude-opus-4-6")),
                attribute("input_tokens", text("12")),
                attribute("output_tokens", { intValue: "340" }),
                attribute("cache_read_tokens", { intValue: 5000 }),
                attribute("cache_creation_tokens", text("700")),
                attribute("request_id", text("req_011")),
                attribute("cost_usd", { doubleValue: 0.05 }),
                attribute("speed", text("fast")),
              ],
            },
            {
              timeUnixNano: "1767225606000000000",
              body: text("claude_code.user_prompt"),
              attributes: [attribute("session.id", text("sess-1"))],
            },
            {
              timeUnixNano: 1767225607000000000,
              body: text("claude_code.api_request"),
              attributes: [attribute("session.id", text("sess-1")), attribute("model", text("claude-opus-4-6"))],
            },
          ],
        },
      ],
    },
  ],
};

describe("parseOtlpTraces", () => {
  it("maps GenAI inference spans and skips tool, agent and other spans", () => {
    const { events, identities } = parseOtlpTraces(json(tracesRequest), "application/json");
    const [chat, completion, overCached] = calls(events);
    expect(calls(events)).toHaveLength(3);
    expect(chat).toMatchObject({
      source: "otlp",
      callKey: "msg_01",
      messageId: "msg_01",
      sessionId: "conv-1",
      model: "claude-sonnet-4-5-20250929",
      timestamp: new Date("2026-01-01T00:00:01.500Z"),
      uncachedInput: 200,
      cacheRead: 1000,
      cacheWrite5m: 300,
      cacheWrite1h: 0,
      output: 200,
      reasoning: 50,
      isApiError: false,
      version: "1.2.3",
      stopReason: "stop",
    });
    expect(completion).toMatchObject({
      callKey: "span:0000000000000002",
      sessionId: TRACE_ID,
      model: "gpt-4o",
      uncachedInput: 100,
      output: 20,
      isApiError: true,
    });
    expect(overCached).toMatchObject({
      uncachedInput: 0,
      cacheRead: 50,
      output: 7,
      timestamp: new Date(1767225700000),
    });
    expect(events.filter((event) => event.kind === "error")).toEqual([
      {
        kind: "error",
        line: 6,
        message: expect.stringContaining("spans[5]: inference span names no gen_ai.request.model"),
      },
    ]);
    expect(
      events.filter((event) => event.kind === "session").map((event) => event.kind === "session" && event.sessionId),
    ).toEqual(["conv-1", TRACE_ID]);
    expect(identities.get("conv-1")).toEqual({
      email: "dev@example.com",
      attributes: {
        "service.name": "agent",
        "service.version": "1.2.3",
        team: "platform",
        "user.email": "dev@example.com",
      },
    });
  });

  it("gives the same events for the protobuf encoding", () => {
    const body = protobuf(otlpProtobuf.trace.v1.ExportTraceServiceRequest, tracesRequest);
    const fromProtobuf = parseOtlpTraces(body, "application/x-protobuf");
    const fromJson = parseOtlpTraces(json(tracesRequest), "application/json; charset=utf-8");
    expect(fromProtobuf.events).toEqual(fromJson.events);
    expect(fromProtobuf.identities).toEqual(fromJson.identities);
  });

  it("refuses a body that cannot be read as a whole, with the status to answer", () => {
    const status = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        return error instanceof HttpError ? error.status : "not an HttpError";
      }
      return "did not throw";
    };
    expect(status(() => parseOtlpTraces(new TextEncoder().encode("{not json"), "application/json"))).toBe(400);
    expect(status(() => parseOtlpTraces(json([1, 2]), "application/json"))).toBe(400);
    expect(status(() => parseOtlpTraces(Uint8Array.from([0x0a, 0xff]), "application/x-protobuf"))).toBe(400);
    expect(status(() => parseOtlpTraces(json(tracesRequest), "text/plain"))).toBe(415);
  });

  it("ignores unknown fields and tolerates missing lists", () => {
    const request = {
      resourceSpans: [{ someFutureField: 1 }, { scopeSpans: [{ spans: "nope" }] }, "junk"],
      extra: true,
    };
    expect(parseOtlpTraces(json(request), "application/json").events).toEqual([]);
  });
});

describe("parseOtlpLogs", () => {
  it("maps claude_code.api_request events with the session's identity", () => {
    const { events, identities } = parseOtlpLogs(json(logsRequest), "application/json");
    expect(calls(events)).toEqual([
      expect.objectContaining({
        source: "otlp",
        callKey: "req:req_011",
        requestId: "req_011",
        messageId: null,
        sessionId: "sess-1",
        model: "claude-opus-4-6",
        timestamp: new Date("2026-01-01T00:00:04.500Z"),
        uncachedInput: 12,
        cacheRead: 5000,
        cacheWrite5m: 700,
        cacheWrite1h: 0,
        output: 340,
        speed: "fast",
        version: "2.1.39",
      }),
    ]);
    expect(events[0]).toMatchObject({ kind: "session", sessionId: "sess-1", source: "otlp", cliVersion: "2.1.39" });
    expect(events.filter((event) => event.kind === "error")).toEqual([
      {
        kind: "error",
        line: 3,
        message: expect.stringContaining("logRecords[2]: api_request event has no request_id"),
      },
    ]);
    expect(identities.get("sess-1")).toEqual({
      email: "dev@example.com",
      attributes: {
        "service.name": "claude-code",
        "service.version": "2.1.39",
        cost_center: "payments",
        "user.email": "dev@example.com",
        "user.account_uuid": "acc-1",
        "organization.id": "org-1",
      },
    });
  });

  it("reads user.email and session.id from the resource too", () => {
    const request = {
      resourceLogs: [
        {
          resource: {
            attributes: [attribute("session.id", text("sess-r")), attribute("user.email", text("ops@example.com"))],
          },
          scopeLogs: [
            {
              logRecords: [
                {
                  timeUnixNano: "1767225605000000000",
                  attributes: [
                    attribute("event.name", text("claude_code.api_request")),
                    attribute("model", text("claude-sonnet-4-5")),
                    attribute("request_id", text("req_2")),
                    attribute("input_tokens", { intValue: 3 }),
                  ],
                },
              ],
            },
          ],
        },
      ],
    };
    const { events, identities } = parseOtlpLogs(json(request), "application/json");
    expect(calls(events)).toEqual([
      expect.objectContaining({
        sessionId: "sess-r",
        timestamp: new Date(1767225605000),
        uncachedInput: 3,
        speed: "standard",
      }),
    ]);
    expect(identities.get("sess-r")?.email).toBe("ops@example.com");
  });

  it("gives the same events for the protobuf encoding", () => {
    const body = protobuf(otlpProtobuf.logs.v1.ExportLogsServiceRequest, logsRequest);
    const fromProtobuf = parseOtlpLogs(body, "application/x-protobuf");
    expect(fromProtobuf.events).toEqual(parseOtlpLogs(json(logsRequest), "application/json").events);
    expect(calls(fromProtobuf.events)).toHaveLength(1);
  });

  it("reports records that are not objects instead of throwing", () => {
    const request = { resourceLogs: [{ scopeLogs: [{ logRecords: ["junk", null] }] }] };
    expect(parseOtlpLogs(json(request), "application/json").events).toEqual([
      { kind: "error", line: 1, message: "resourceLogs[0].scopeLogs[0].logRecords[0]: log record is not an object" },
      { kind: "error", line: 2, message: "resourceLogs[0].scopeLogs[0].logRecords[1]: log record is not an object" },
    ]);
  });
});
