/**
 * Hostile records, each inside an otherwise good upload of its format: the cases issue 10 names
 * (impossible token counts, NUL bytes, lone UTF-16 surrogates, absurd timestamps, 100,000-level
 * nesting). Shared by the route test (lib/ingest/hostile-records.test.ts, Postgres and PGlite) and
 * the abuse spec against the real server (e2e/abuse-records.spec.ts), so both send the same bytes.
 * Self-contained (no app imports) so Playwright can load it as it is.
 */

export interface HostileCase {
  name: string;
  /** The `format` query parameter of POST /api/v1/ingest. */
  format: "auto" | "claude-code" | "codex" | "native" | "otlp-json";
  file: string;
  body: string;
  /** Calls the upload must store. */
  goodCalls: number;
  /** The reported line (for OTLP the record's position) and what its message says; null when the field is cleaned, not refused. */
  error: { line: number; message: RegExp } | null;
}

const DEPTH = 100_000;

/** CJK characters in no repeating pattern (Postgres compresses a repeated one below its index limit). */
function unrepeatedText(length: number): string {
  return Array.from({ length }, (_, i) => String.fromCharCode(0x4e00 + ((i * 7919) % 20_000))).join("");
}

/** A Claude Code assistant line with its own message and request id. */
function claudeLine(
  id: string,
  overrides: {
    usage?: Record<string, unknown>;
    model?: string;
    sessionId?: string;
    timestamp?: string;
    requestId?: string;
    gitBranch?: string;
    cwd?: string;
    content?: string;
  } = {},
): string {
  const usage = {
    input_tokens: 10,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 100,
    output_tokens: 5,
    ...overrides.usage,
  };
  // content is spliced in as raw JSON so a 100,000-level nesting need not be built as an object.
  const line = JSON.stringify({
    parentUuid: null,
    isSidechain: false,
    cwd: overrides.cwd ?? "/home/dev/hostile",
    sessionId: overrides.sessionId ?? "hostile-session",
    version: "2.1.39",
    gitBranch: overrides.gitBranch ?? "main",
    type: "assistant",
    message: {
      model: overrides.model ?? "claude-sonnet-4-5-20250929",
      id: `msg_${id}`,
      type: "message",
      role: "assistant",
      content: "CONTENT",
      stop_reason: "end_turn",
      usage,
    },
    requestId: overrides.requestId ?? `req_${id}`,
    uuid: `uuid-${id}`,
    timestamp: overrides.timestamp ?? "2026-02-10T10:00:00.000Z",
  });
  return line.replace('"CONTENT"', overrides.content ?? '[{"type":"text","text":"ok"}]');
}

function claudeUpload(prefix: string, hostile: string): string {
  return `${[claudeLine(`${prefix}-a`), hostile, claudeLine(`${prefix}-b`)].join("\n")}\n`;
}

function deepToolInput(): string {
  return `[{"type":"tool_use","id":"toolu_deep","name":"Bash","input":{"command":${"[".repeat(DEPTH)}${"]".repeat(DEPTH)}}}]`;
}

const codexUsage = (input: number, output: number) => ({
  input_tokens: input,
  cached_input_tokens: 0,
  output_tokens: output,
  reasoning_output_tokens: 0,
  total_tokens: input + output,
});
const codexLine = (type: string, payload: Record<string, unknown>, timestamp = "2026-02-23T12:00:00.000Z") =>
  JSON.stringify({ timestamp, type, payload });

function nativeLine(id: string, overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({
    sessionId: "hostile-native",
    callKey: id,
    timestamp: "2026-02-10T10:00:00Z",
    model: "claude-sonnet-4-5",
    inputTokens: 100,
    outputTokens: 10,
    ...overrides,
  });
}

const text = (value: string) => ({ stringValue: value });

function apiRequestRecord(requestId: string, overrides: Record<string, unknown> = {}) {
  const attributes: Record<string, unknown> = {
    "event.name": text("api_request"),
    "session.id": text("hostile-otlp"),
    model: text("claude-opus-4-6"),
    request_id: text(requestId),
    input_tokens: { intValue: "3" },
    output_tokens: { intValue: "40" },
    cache_read_tokens: { intValue: "0" },
    cache_creation_tokens: { intValue: "0" },
    ...overrides,
  };
  return {
    timeUnixNano: "1770700000000000000",
    body: text("claude_code.api_request"),
    attributes: Object.entries(attributes).map(([key, value]) => ({ key, value })),
  };
}

function otlpLogs(records: unknown[]): string {
  return JSON.stringify({
    resourceLogs: [
      {
        resource: { attributes: [{ key: "service.name", value: text("claude-code") }] },
        scopeLogs: [{ logRecords: records }],
      },
    ],
  });
}

/** A kvlist attribute value nested `depth` levels, written as text (an object this deep could not be serialized). */
function deepKvlist(depth: number): string {
  return `${'{"kvlistValue":{"values":[{"key":"k","value":'.repeat(depth)}{"stringValue":"x"}${"}]}}".repeat(depth)}`;
}

export function hostileCases(prefix: string): HostileCase[] {
  const p = (name: string) => `${prefix}-${name}`;
  const claude = (
    name: string,
    hostile: (id: string) => string,
    error: HostileCase["error"],
    goodCalls = 2,
  ): HostileCase => ({
    name: `Claude Code: ${name}`,
    format: "auto",
    file: `${p(name.replace(/\W+/g, "-"))}.jsonl`,
    body: claudeUpload(p(name.replace(/\W+/g, "-")), hostile(p(`${name.replace(/\W+/g, "-")}-bad`))),
    goodCalls,
    error,
  });
  const refused = (message: RegExp) => ({ line: 2, message });
  return [
    claude(
      "3,000,000,000 output tokens",
      (id) => claudeLine(id, { usage: { output_tokens: 3_000_000_000 } }),
      refused(/output_tokens|output 3000000000 is beyond any context window/),
    ),
    claude(
      "negative input tokens",
      (id) => claudeLine(id, { usage: { input_tokens: -5 } }),
      refused(/uncachedInput -5 is not a whole non-negative token count/),
    ),
    claude(
      "fractional cache read",
      (id) => claudeLine(id, { usage: { cache_read_input_tokens: 1.5 } }),
      refused(/cacheRead 1\.5 is not a whole non-negative token count/),
    ),
    claude(
      "token count as text",
      (id) => claudeLine(id, { usage: { output_tokens: "many" } }),
      refused(/output NaN is not a whole non-negative token count/),
    ),
    claude(
      "NUL in the model",
      (id) => claudeLine(id, { model: "claude\u0000sonnet" }),
      refused(/model contains a NUL character/),
    ),
    claude(
      "NUL in the session id",
      (id) => claudeLine(id, { sessionId: "hostile\u0000session" }),
      refused(/sessionId contains a NUL character/),
    ),
    claude(
      "NUL in the request id",
      (id) => claudeLine(id, { requestId: "req\u0000x" }),
      refused(/requestId contains a NUL character/),
    ),
    claude(
      "lone surrogate in the model",
      (id) => claudeLine(id, { model: "claude-\ud800" }),
      refused(/model contains a lone UTF-16 surrogate/),
    ),
    claude(
      "megabyte request id",
      (id) => claudeLine(id, { requestId: "r".repeat(1_000_000) }),
      refused(/requestId is longer than 512 characters/),
    ),
    claude(
      "year 0000",
      (id) => claudeLine(id, { timestamp: "0000-01-01T00:00:00.000Z" }),
      refused(/timestamp 0000-01-01T00:00:00.000Z is before 2020-01-01/),
    ),
    claude(
      "year 9999",
      (id) => claudeLine(id, { timestamp: "9999-12-31T00:00:00.000Z" }),
      refused(/timestamp 9999-12-31T00:00:00.000Z is in the future/),
    ),
    claude(
      "invalid date",
      (id) => claudeLine(id, { timestamp: "2026-13-45T99:00:00Z" }),
      refused(/without a valid timestamp/),
    ),
    // Cleaned, not refused: the call counts, the text is stored with U+FFFD.
    claude(
      "NUL and lone surrogate in the branch",
      (id) => claudeLine(id, { gitBranch: "feat\u0000\udc00", sessionId: `${id}-session` }),
      null,
      3,
    ),
    // The OS user in the cwd becomes an identity key: a path no machine has is cut, not a 500.
    claude(
      "5,000-character OS user in the cwd",
      (id) => claudeLine(id, { cwd: `/home/${unrepeatedText(5000)}/repo`, sessionId: `${id}-session` }),
      null,
      3,
    ),
    // The call counts (its usage does not depend on the tool input); the line is reported.
    claude(
      "100,000-level deep tool input",
      (id) => claudeLine(id, { content: deepToolInput() }),
      refused(/nested deeper than 256 levels/),
      3,
    ),
    {
      name: "Codex: 3,000,000,000 input tokens",
      format: "auto",
      file: `rollout-2026-02-23T12-00-00-${p("codex")}.jsonl`,
      body: `${[
        codexLine("session_meta", { id: p("codex-session"), cwd: "/home/dev/hostile", cli_version: "0.104.0" }),
        codexLine("turn_context", { model: "gpt-5.2-codex" }),
        codexLine(
          "event_msg",
          {
            type: "token_count",
            info: { total_token_usage: codexUsage(100, 10), last_token_usage: codexUsage(100, 10) },
          },
          "2026-02-23T12:00:01.000Z",
        ),
        codexLine(
          "event_msg",
          {
            type: "token_count",
            info: {
              total_token_usage: codexUsage(3_000_000_100, 20),
              last_token_usage: codexUsage(3_000_000_000, 10),
            },
          },
          "2026-02-23T12:00:02.000Z",
        ),
        codexLine(
          "event_msg",
          {
            type: "token_count",
            info: { total_token_usage: codexUsage(3_000_000_200, 30), last_token_usage: codexUsage(100, 10) },
          },
          "2026-02-23T12:00:03.000Z",
        ),
      ].join("\n")}\n`,
      goodCalls: 2,
      error: { line: 4, message: /beyond any context window/ },
    },
    {
      name: "native (auto-detected): 3,000,000,000 input tokens",
      format: "auto",
      file: `${p("native-huge")}.jsonl`,
      body:
        [nativeLine(p("n1")), nativeLine(p("n2"), { inputTokens: 3_000_000_000 }), nativeLine(p("n3"))].join("\n") +
        "\n",
      goodCalls: 2,
      error: { line: 2, message: /uncachedInput 3000000000 is beyond any context window/ },
    },
    {
      name: "native: NUL in the session id, NUL in the title",
      format: "native",
      file: `${p("native-nul")}.jsonl`,
      body: `${[
        nativeLine(p("m1"), { title: "fix\u0000it" }),
        nativeLine(p("m2"), { sessionId: "bad\u0000session" }),
        nativeLine(p("m3")),
      ].join("\n")}\n`,
      goodCalls: 2,
      error: { line: 2, message: /sessionId contains a NUL character/ },
    },
    {
      name: "native: year 0000",
      format: "native",
      file: `${p("native-year0")}.jsonl`,
      body: `${[
        nativeLine(p("y1")),
        nativeLine(p("y2"), { timestamp: "0000-01-01T00:00:00Z" }),
        nativeLine(p("y3")),
      ].join("\n")}\n`,
      goodCalls: 2,
      error: { line: 2, message: /timestamp|before 2020/ },
    },
    {
      name: "OTLP/JSON logs: 3,000,000,000 input tokens",
      format: "auto",
      file: `${p("otlp-huge")}.json`,
      body: otlpLogs([
        apiRequestRecord(p("o1")),
        apiRequestRecord(p("o2"), { input_tokens: { intValue: "3000000000" } }),
        apiRequestRecord(p("o3")),
      ]),
      goodCalls: 2,
      error: { line: 2, message: /uncachedInput 3000000000 is beyond any context window/ },
    },
    {
      name: "OTLP/JSON logs: NUL in the session id, lone surrogate in the model",
      format: "otlp-json",
      file: `${p("otlp-nul")}.json`,
      body: otlpLogs([
        apiRequestRecord(p("q1")),
        apiRequestRecord(p("q2"), { "session.id": text("bad\u0000") }),
        apiRequestRecord(p("q3"), { model: text("opus-\udbff") }),
        apiRequestRecord(p("q4")),
      ]),
      goodCalls: 2,
      error: { line: 2, message: /sessionId contains a NUL character/ },
    },
    {
      name: "OTLP/JSON logs: a NUL in user.email (the identity is ignored, the record kept)",
      format: "otlp-json",
      file: `${p("otlp-email")}.json`,
      body: otlpLogs([
        apiRequestRecord(p("e1"), {
          "session.id": text(p("email-session")),
          "user.email": text("dev\u0000@example.com"),
        }),
      ]),
      goodCalls: 1,
      error: null,
    },
    {
      name: "OTLP/JSON logs: 100,000-level deep attribute",
      format: "otlp-json",
      file: `${p("otlp-deep")}.json`,
      body: otlpLogs([apiRequestRecord(p("d1")), "DEEP", apiRequestRecord(p("d3"))]).replace(
        '"DEEP"',
        JSON.stringify(apiRequestRecord(p("d2"))).replace(
          '"attributes":[',
          `"attributes":[{"key":"deep","value":${deepKvlist(DEPTH)}},`,
        ),
      ),
      goodCalls: 2,
      error: { line: 2, message: /nested deeper than 32 levels/ },
    },
    {
      name: "OTLP/JSON traces: negative input tokens",
      format: "auto",
      file: `${p("otlp-spans")}.json`,
      body: JSON.stringify({
        resourceSpans: [
          {
            scopeSpans: [
              {
                spans: [1, 2, 3].map((n) => ({
                  traceId: "0af7651916cd43dd8448eb211c80319c",
                  spanId: `${p("s")}${n}`,
                  name: "chat gpt-5",
                  endTimeUnixNano: "1770700000000000000",
                  attributes: [
                    { key: "gen_ai.operation.name", value: text("chat") },
                    { key: "gen_ai.request.model", value: text("gpt-5") },
                    { key: "gen_ai.usage.input_tokens", value: { intValue: n === 2 ? "-5" : "100" } },
                    { key: "gen_ai.usage.output_tokens", value: { intValue: "10" } },
                  ],
                })),
              },
            ],
          },
        ],
      }),
      goodCalls: 2,
      error: { line: 2, message: /uncachedInput -5 is not a whole non-negative token count/ },
    },
  ];
}
