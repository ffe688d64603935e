/**
 * OTLP/JSON log bodies as an exporter streams them, for the group commit's tests: exporter
 * `exporter`'s body of round `round` holds one Claude Code api_request event of its own session
 * (100 input and 10 output tokens).
 */
const text = (value: string) => ({ stringValue: value });

export function exporterLogBody(exporter: number, round: number): string {
  const attributes = {
    "event.name": text("api_request"),
    "session.id": text(`group-commit-${exporter}`),
    model: text("claude-sonnet-4-5"),
    request_id: text(`req_group_${exporter}_${round}`),
    input_tokens: { intValue: "100" },
    output_tokens: { intValue: "10" },
  };
  const record = {
    timeUnixNano: `${BigInt(Date.UTC(2026, 1, 10, 9, exporter, round)) * 1_000_000n}`,
    body: text("claude_code.api_request"),
    attributes: Object.entries(attributes).map(([key, value]) => ({ key, value })),
  };
  return JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: [record] }] }] });
}
