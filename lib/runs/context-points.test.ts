import { describe, expect, it } from "vitest";
import type { RunCall } from "@/lib/queries/run-detail";
import { contextPoints } from "./context-points";

const call = (
  id: string,
  tokens: { input?: number; read?: number; write?: number; output?: number },
  extra: Partial<RunCall> = {},
): RunCall => {
  const inputTokens = tokens.input ?? 10;
  const cacheReadTokens = tokens.read ?? 0;
  const cacheWriteTokens = tokens.write ?? 0;
  return {
    id,
    ordinal: Number(id),
    timestamp: `2026-02-10T10:00:0${id}Z`,
    model: "claude-sonnet-4-5-20250929",
    agentId: null,
    priced: true,
    priceRule: "x",
    isApiError: false,
    inputTokens,
    cacheReadTokens,
    cacheWriteTokens,
    outputTokens: tokens.output ?? 100,
    contextTokens: inputTokens + cacheReadTokens + cacheWriteTokens,
    costUsd: 0.01,
    calls: 1,
    toolCalls: [],
    ...extra,
  };
};

describe("context points", () => {
  it("marks a re-written context as a cache miss, but not a thread's first call", () => {
    const points = contextPoints([
      call("1", { write: 20_000 }),
      call("2", { read: 20_000, write: 500 }),
      call("3", { read: 1_000, write: 21_000 }),
      call("4", { write: 15_000 }, { agentId: "a123" }),
    ]);
    expect(points.map((point) => point.markers)).toEqual([[], [], ["cache-miss"], []]);
    expect(points.at(-1)!.cumulativeCostUsd).toBeCloseTo(0.04, 12);
  });

  it("marks compactions and large tool outputs", () => {
    const tool = {
      id: "t",
      toolUseId: "u",
      name: "Read",
      summary: "big.log",
      inputBytes: 10,
      outputBytes: 50_000,
      outputTokens: 12_000,
      isError: false,
    };
    const points = contextPoints([call("1", { read: 5_000 }, { agentId: "acompact-1f", toolCalls: [tool] })]);
    expect(points[0]!.markers).toEqual(["compaction", "large-tool-output"]);
  });
});
