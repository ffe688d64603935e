/**
 * Writes a realistic Claude Code + Codex corpus for the analyze benchmark (default >= 100 MB in
 * bench/.corpus/, gitignored). Shaped after docs/FORMATS.md and the real samples in fixtures/real:
 * one line per content block with repeated usage and placeholder output counts, subagent files,
 * progress lines embedding subagent usage, tool results of realistic size, Codex rollouts with
 * re-emitted token_count events. Deterministic: the same seed gives the same bytes.
 *
 * usage: tsx bench/corpus.ts [--out DIR] [--megabytes N]
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";

/** Small fast PRNG (mulberry32): reproducible corpora without a dependency. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const rand = random(42);
const between = (low: number, high: number): number => low + Math.floor(rand() * (high - low + 1));
const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
const hex = (length: number): string =>
  Array.from({ length }, () => "0123456789abcdef"[Math.floor(rand() * 16)]).join("");
const uuid = (): string => `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
const WORDS =
  "the a function returns value error file test build module import export const let async await type interface config server client request response cache token model agent session project deploy lint format".split(
    " ",
  );
const prose = (chars: number): string => {
  let text = "";
  while (text.length < chars) text += pick(WORDS) + (rand() < 0.1 ? ".\n" : " ");
  return text.slice(0, chars);
};

const MAIN_MODELS = ["claude-opus-4-6", "claude-sonnet-4-5-20250929", "claude-opus-4-6"] as const;
const SUBAGENT_MODELS = ["claude-sonnet-4-5-20250929", "claude-haiku-4-5-20251001"] as const;
const TOOLS = ["Bash", "Read", "Edit", "Grep", "Glob", "Write"] as const;

interface Clock {
  time: number;
}
const stamp = (clock: Clock, stepMs: number): string => {
  clock.time += stepMs;
  return new Date(clock.time).toISOString();
};

interface ClaudeContext {
  sessionId: string;
  cwd: string;
  agentId: string | null;
  clock: Clock;
  lines: string[];
  context: number;
}

function envelope(ctx: ClaudeContext, parentUuid: string | null): Record<string, unknown> {
  return {
    parentUuid,
    isSidechain: ctx.agentId !== null,
    userType: "external",
    cwd: ctx.cwd,
    sessionId: ctx.sessionId,
    version: "2.1.39",
    gitBranch: "main",
    ...(ctx.agentId !== null ? { agentId: ctx.agentId } : {}),
  };
}

/** One API response: one line per content block, usage repeated, real output only on the last. */
function assistantTurn(ctx: ClaudeContext, model: string, parent: string): { last: string; toolIds: string[] } {
  const messageId = `msg_01${hex(22)}`;
  const requestId = `req_011${hex(21)}`;
  const blocks: Array<Record<string, unknown>> = [];
  if (rand() < 0.5) blocks.push({ type: "thinking", thinking: prose(between(50, 600)), signature: hex(200) });
  blocks.push({ type: "text", text: prose(between(20, 400)) });
  const toolIds: string[] = [];
  const toolCount = rand() < 0.8 ? between(1, 3) : 0;
  for (let index = 0; index < toolCount; index++) {
    const id = `toolu_01${hex(22)}`;
    toolIds.push(id);
    const name = pick(TOOLS);
    const input =
      name === "Bash"
        ? { command: `npm test -- ${pick(WORDS)}`, timeout: 120000 }
        : name === "Write" || name === "Edit"
          ? { file_path: `/src/${pick(WORDS)}.ts`, content: prose(between(100, 1200)) }
          : { file_path: `/src/${pick(WORDS)}.ts` };
    blocks.push({ type: "tool_use", id, name, input });
  }
  const cacheWrite = between(200, 8000);
  const cacheRead = ctx.context;
  ctx.context += cacheWrite + between(100, 2000);
  const input = between(1, 12);
  const output = between(40, 2500);
  const oneHour = rand() < 0.5;
  let last = parent;
  blocks.forEach((block, index) => {
    const final = index === blocks.length - 1;
    const uuidValue = uuid();
    ctx.lines.push(
      JSON.stringify({
        ...envelope(ctx, last),
        message: {
          model,
          id: messageId,
          type: "message",
          role: "assistant",
          content: [block],
          stop_reason: final ? (toolIds.length > 0 ? "tool_use" : "end_turn") : null,
          stop_sequence: null,
          usage: {
            input_tokens: input,
            cache_creation_input_tokens: cacheWrite,
            cache_read_input_tokens: cacheRead,
            cache_creation: {
              ephemeral_5m_input_tokens: oneHour ? 0 : cacheWrite,
              ephemeral_1h_input_tokens: oneHour ? cacheWrite : 0,
            },
            output_tokens: final ? output : between(1, 10),
            service_tier: "standard",
          },
        },
        requestId,
        type: "assistant",
        uuid: uuidValue,
        timestamp: stamp(ctx.clock, between(200, 4000)),
      }),
    );
    last = uuidValue;
  });
  return { last, toolIds };
}

function toolResults(ctx: ClaudeContext, toolIds: string[], parent: string): string {
  let last = parent;
  for (const id of toolIds) {
    // Tool output sizes: mostly a few KB, sometimes a large file read or test log.
    const size = rand() < 0.02 ? between(5_000, 30_000) : between(50, 1200);
    const uuidValue = uuid();
    const content = prose(size);
    ctx.lines.push(
      JSON.stringify({
        ...envelope(ctx, last),
        type: "user",
        message: {
          role: "user",
          content: [{ tool_use_id: id, type: "tool_result", content, is_error: rand() < 0.05 }],
        },
        uuid: uuidValue,
        timestamp: stamp(ctx.clock, between(100, 20000)),
        toolUseResult: { stdout: content.slice(0, 500), stderr: "", interrupted: false },
      }),
    );
    last = uuidValue;
    if (rand() < 0.5) {
      ctx.lines.push(
        JSON.stringify({
          ...envelope(ctx, last),
          type: "progress",
          data: { type: "hook_progress", hookEvent: "PostToolUse", hookName: "PostToolUse:Bash", command: "lint.sh" },
          toolUseID: id,
          parentToolUseID: id,
          uuid: uuid(),
          timestamp: stamp(ctx.clock, 5),
        }),
      );
    }
  }
  return last;
}

function userPrompt(ctx: ClaudeContext, parent: string | null): string {
  const uuidValue = uuid();
  ctx.lines.push(
    JSON.stringify({
      ...envelope(ctx, parent),
      type: "user",
      message: { role: "user", content: prose(between(40, 600)) },
      uuid: uuidValue,
      timestamp: stamp(ctx.clock, between(10_000, 600_000)),
    }),
  );
  return uuidValue;
}

/** A conversation: prompts, each followed by a tool loop of several responses. */
function conversation(
  ctx: ClaudeContext,
  models: readonly string[],
  prompts: number,
  onSubagent?: (parent: string) => void,
): void {
  let last: string | null = null;
  for (let prompt = 0; prompt < prompts; prompt++) {
    last = userPrompt(ctx, last);
    const loops = between(2, 12);
    for (let loop = 0; loop < loops; loop++) {
      const model = pick(models);
      const turn = assistantTurn(ctx, model, last);
      last = turn.toolIds.length > 0 ? toolResults(ctx, turn.toolIds, turn.last) : turn.last;
      if (onSubagent !== undefined && rand() < 0.05) onSubagent(last);
      if (turn.toolIds.length === 0) break;
    }
  }
}

function writeClaudeSession(projectsDir: string, projectIndex: number, startTime: number): number {
  const project = `-home-dev-repos-project-${projectIndex}`;
  const cwd = `/home/dev/repos/project-${projectIndex}`;
  const sessionId = uuid();
  const clock = { time: startTime };
  const main: ClaudeContext = { sessionId, cwd, agentId: null, clock, lines: [], context: between(10_000, 30_000) };
  main.lines.push(
    JSON.stringify({
      type: "file-history-snapshot",
      messageId: uuid(),
      snapshot: { messageId: uuid(), trackedFileBackups: {}, timestamp: new Date(clock.time).toISOString() },
      isSnapshotUpdate: false,
    }),
  );
  const subagents: ClaudeContext[] = [];
  conversation(main, MAIN_MODELS, between(2, 8), (parent) => {
    const agentId = hex(7);
    const sub: ClaudeContext = {
      sessionId,
      cwd,
      agentId,
      clock: { time: clock.time },
      lines: [],
      context: between(5_000, 15_000),
    };
    conversation(sub, SUBAGENT_MODELS, 1);
    subagents.push(sub);
    // The parent's file gets progress copies of the subagent's messages, usage included (rule 2).
    for (const copied of sub.lines.filter((line) => line.includes('"type":"assistant"')).slice(0, 6)) {
      main.lines.push(
        JSON.stringify({
          ...envelope(main, parent),
          type: "progress",
          data: { type: "agent_progress", message: JSON.parse(copied), prompt: "", agentId },
          toolUseID: `agent_msg_${hex(20)}`,
          parentToolUseID: `toolu_01${hex(22)}`,
          uuid: uuid(),
          timestamp: stamp(clock, 10),
        }),
      );
    }
  });
  const dir = path.join(projectsDir, project);
  mkdirSync(dir, { recursive: true });
  let bytes = 0;
  const write = (file: string, lines: string[]): void => {
    const text = `${lines.join("\n")}\n`;
    writeFileSync(file, text);
    bytes += Buffer.byteLength(text);
  };
  write(path.join(dir, `${sessionId}.jsonl`), main.lines);
  for (const sub of subagents) {
    mkdirSync(path.join(dir, sessionId, "subagents"), { recursive: true });
    write(path.join(dir, sessionId, "subagents", `agent-${sub.agentId}.jsonl`), sub.lines);
  }
  return bytes;
}

function writeCodexSession(sessionsDir: string, startTime: number): number {
  const id = `019c${hex(4)}-${hex(4)}-7${hex(3)}-a${hex(3)}-${hex(12)}`;
  const clock = { time: startTime };
  const date = new Date(startTime).toISOString();
  const lines: string[] = [];
  const line = (type: string, payload: Record<string, unknown>): void => {
    lines.push(JSON.stringify({ timestamp: stamp(clock, between(50, 3000)), type, payload }));
  };
  line("session_meta", {
    id,
    timestamp: date,
    cwd: `/home/dev/repos/codex-${between(1, 5)}`,
    originator: "codex_cli_rs",
    cli_version: "0.104.0",
    source: "cli",
    model_provider: "openai",
    base_instructions: { text: prose(6_000) },
    git: { commit_hash: hex(40), branch: "main", repository_url: "https://example.com/repo.git" },
  });
  line("event_msg", { type: "token_count", info: null, rate_limits: null });
  const totals = {
    input_tokens: 0,
    cached_input_tokens: 0,
    output_tokens: 0,
    reasoning_output_tokens: 0,
    total_tokens: 0,
  };
  const turns = between(3, 15);
  for (let turn = 0; turn < turns; turn++) {
    line("turn_context", {
      turn_id: uuid(),
      cwd: "/home/dev/repos/codex",
      approval_policy: "on-request",
      model: pick(["gpt-5.3-codex", "gpt-5.3-codex", "gpt-5.2-codex"]),
      effort: "high",
    });
    line("event_msg", { type: "user_message", message: prose(between(50, 400)), images: [] });
    const calls = between(2, 10);
    for (let call = 0; call < calls; call++) {
      line("response_item", {
        type: "reasoning",
        summary: [{ type: "summary_text", text: prose(100) }],
        content: null,
        encrypted_content: hex(between(500, 3000)),
      });
      const callId = `call_${hex(24)}`;
      line("response_item", {
        type: "function_call",
        name: "exec_command",
        arguments: JSON.stringify({ cmd: `rg ${pick(WORDS)}` }),
        call_id: callId,
      });
      const input = between(10_000, 120_000);
      const last = {
        input_tokens: input,
        cached_input_tokens: Math.floor(input * 0.9),
        output_tokens: between(50, 2000),
        reasoning_output_tokens: 0,
        total_tokens: 0,
      };
      last.reasoning_output_tokens = Math.floor(last.output_tokens * 0.4);
      last.total_tokens = last.input_tokens + last.output_tokens;
      for (const key of Object.keys(totals) as Array<keyof typeof totals>) totals[key] += last[key];
      const info = { total_token_usage: { ...totals }, last_token_usage: last, model_context_window: 258400 };
      line("event_msg", { type: "token_count", info, rate_limits: null });
      // Codex re-emits the same totals with a new timestamp (docs/FORMATS.md): not new calls.
      if (rand() < 0.8) line("event_msg", { type: "token_count", info, rate_limits: null });
      line("response_item", { type: "function_call_output", call_id: callId, output: prose(between(500, 15_000)) });
    }
  }
  const day = new Date(startTime);
  const dir = path.join(
    sessionsDir,
    String(day.getUTCFullYear()),
    String(day.getUTCMonth() + 1).padStart(2, "0"),
    String(day.getUTCDate()).padStart(2, "0"),
  );
  mkdirSync(dir, { recursive: true });
  const text = `${lines.join("\n")}\n`;
  writeFileSync(path.join(dir, `rollout-${date.slice(0, 19).replace(/:/g, "-")}-${id}.jsonl`), text);
  return Buffer.byteLength(text);
}

export function generateCorpus(out: string, megabytes: number): { claudeBytes: number; codexBytes: number } {
  rmSync(out, { recursive: true, force: true });
  const projectsDir = path.join(out, "claude", "projects");
  const codexDir = path.join(out, "codex", "sessions");
  const target = megabytes * 1e6;
  let claudeBytes = 0;
  let codexBytes = 0;
  let time = Date.parse("2026-01-05T08:00:00Z");
  // About nine parts Claude Code to one part Codex.
  while (claudeBytes + codexBytes < target) {
    time += between(5, 120) * 60_000;
    if (rand() < 0.05) codexBytes += writeCodexSession(codexDir, time);
    else claudeBytes += writeClaudeSession(projectsDir, between(1, 25), time);
  }
  return { claudeBytes, codexBytes };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      out: { type: "string", default: path.join(import.meta.dirname, ".corpus") },
      megabytes: { type: "string", default: "120" },
    },
  });
  const out = path.resolve(values.out!);
  const { claudeBytes, codexBytes } = generateCorpus(out, Number(values.megabytes));
  process.stdout.write(
    `corpus in ${out}: Claude Code ${(claudeBytes / 1e6).toFixed(1)} MB, Codex ${(codexBytes / 1e6).toFixed(1)} MB\n`,
  );
}
