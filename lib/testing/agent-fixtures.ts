/**
 * The other agents' sample files (fixtures/agents, copied from shared/fixtures/agents) and the
 * totals fixtures/agents/SOURCES.md computed independently (expected_totals.py, redone by hand).
 * Token fields as the API names them: inputTokens is UNCACHED input, outputTokens includes
 * reasoning. The OpenCode database is opencode.db.sql loaded by `sqlite3 opencode.db < opencode.db.sql`.
 */
import path from "node:path";
import type { AgentFormat } from "@/lib/ingest/formats";

export const agentFixturesRoot = path.resolve("fixtures/agents");

export interface AgentSample {
  /** Below fixtures/agents: a file, or a folder mirroring the agent's own. */
  path: string;
  format: AgentFormat;
  calls: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  /** Models the bundled price table does not know: stored and named, never $0. */
  unpricedModels: string[];
}

export const agentSamples: AgentSample[] = [
  {
    path: "gemini/v0.61.0/tmp/demo-project/chats/session-2026-11-30T11-48-a39fe66b.jsonl",
    format: "gemini-cli",
    calls: 5,
    inputTokens: 23572,
    outputTokens: 291,
    cacheReadTokens: 30488,
    cacheWriteTokens: 0,
    unpricedModels: [],
  },
  {
    path: "gemini/v0.61.0/tmp/proj/chats/session-2026-11-30T11-48-46a436f7.jsonl",
    format: "gemini-cli",
    calls: 2,
    inputTokens: 13514,
    outputTokens: 84,
    cacheReadTokens: 12203,
    cacheWriteTokens: 0,
    unpricedModels: [],
  },
  {
    path: "gemini/v0.38.2/tmp/demo-project/chats/session-2026-11-30T11-49-b8ff8a3b.json",
    format: "gemini-cli",
    calls: 4,
    inputTokens: 11346,
    outputTokens: 245,
    cacheReadTokens: 30488,
    cacheWriteTokens: 0,
    unpricedModels: [],
  },
  {
    path: "gemini/ccusage/tmp/project/chats/session-a.jsonl",
    format: "gemini-cli",
    calls: 1,
    inputTokens: 3808,
    outputTokens: 942,
    cacheReadTokens: 11526,
    cacheWriteTokens: 0,
    unpricedModels: [],
  },
  {
    path: "opencode/v1.1.65/storage",
    format: "opencode",
    calls: 4,
    inputTokens: 12190,
    outputTokens: 324,
    cacheReadTokens: 23484,
    cacheWriteTokens: 11642,
    unpricedModels: ["mockai/qwen3-coder-plus"],
  },
  {
    path: "opencode/v1.18.33/opencode.db",
    format: "opencode",
    calls: 4,
    inputTokens: 12188,
    outputTokens: 303,
    cacheReadTokens: 34774,
    cacheWriteTokens: 770,
    unpricedModels: ["mockai/qwen3-coder-plus"],
  },
  {
    path: "qwen/v0.24.4/projects/-home-dev-qwen-demo-project/chats/5dee57c9-3622-4237-af0f-7c3cd257a92e.jsonl",
    format: "qwen-code",
    calls: 4,
    inputTokens: 12907,
    outputTokens: 400,
    cacheReadTokens: 36096,
    cacheWriteTokens: 0,
    unpricedModels: ["qwen3-coder-plus"],
  },
  {
    path: "qwen/splitrail-v0.18.1/projects/-tmp-qwentest/chats/69f0814a-8bfc-4c8e-93d3-05757f17b96f.jsonl",
    format: "qwen-code",
    calls: 2,
    inputTokens: 1050,
    outputTokens: 25,
    cacheReadTokens: 50,
    cacheWriteTokens: 0,
    unpricedModels: ["coder-model"],
  },
  {
    path: "copilot/splitrail/session-state/cli-session-usage/events.jsonl",
    format: "copilot-cli",
    calls: 2,
    inputTokens: 200000,
    outputTokens: 41400,
    cacheReadTokens: 6800000,
    cacheWriteTokens: 0,
    unpricedModels: [],
  },
  {
    path: "copilot/splitrail/session-state/cli-session-resume/events.jsonl",
    format: "copilot-cli",
    calls: 2,
    inputTokens: 500000,
    outputTokens: 4600,
    cacheReadTokens: 6500000,
    cacheWriteTokens: 0,
    unpricedModels: [],
  },
  {
    path: "copilot/ccusage/otel/copilot-otel.jsonl",
    format: "copilot-cli",
    calls: 2,
    inputTokens: 19364,
    outputTokens: 291,
    cacheReadTokens: 123,
    cacheWriteTokens: 25,
    unpricedModels: [],
  },
  {
    path: "amp/ccusage-ts/threads/T-test-thread-123.json",
    format: "amp",
    calls: 1,
    inputTokens: 100,
    outputTokens: 50,
    cacheReadTokens: 200,
    cacheWriteTokens: 500,
    unpricedModels: [],
  },
  {
    path: "amp/ccusage-rust/threads/T-thread-a.json",
    format: "amp",
    calls: 2,
    inputTokens: 15,
    outputTokens: 220,
    cacheReadTokens: 23372,
    cacheWriteTokens: 986,
    unpricedModels: [],
  },
];
