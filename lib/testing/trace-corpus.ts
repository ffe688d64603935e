/**
 * Generated trace corpora for property tests: Claude Code sessions and Codex rollouts exercising
 * every counting rule of docs/FORMATS.md at once, drawn value by value from fast-check (so a failure
 * shrinks and replays). The generator writes what the tools write; it does not know which lines
 * count. Rules covered:
 * - Claude Code 1: a response written once per content block, placeholder output on early lines;
 * - 2: `progress` lines embedding a subagent message's copy, usage included;
 * - 3: /btw sidechain copies (same message id, new request id) inline, in `<session>/subagents/`
 *   files, in 2.0.x `agent-*.jsonl` files beside the session and in compaction files;
 * - 4: messages without id (with and without a request id);
 * - subagent and compaction calls of their own, `<synthetic>` API error lines, prompts, tool
 *   results, summary, file-history-snapshot and compact_boundary lines;
 * - Codex: session_meta, the first token_count with info null, re-emitted identical totals,
 *   models from turn_context (changing between turns), compacted lines, cached input inside
 *   input, reasoning.
 * Calls cross UTC days, and some pass the 200k long-context line.
 */
import fc from "fast-check";
import {
  assistantLine,
  type CodexUsage,
  codexLine,
  codexTokenCount,
  userPromptLine,
  userToolResultLine,
} from "@/lib/ingest/parsers/__fixtures__/trace-lines";
import type { TraceCorpus } from "./analyze-totals";

export interface Draw {
  int(min: number, max: number): number;
  /** True with probability about `percent` / 100. */
  chance(percent: number): boolean;
  pick<T>(items: readonly T[]): T;
}

export function drawFrom(g: fc.GeneratorValue): Draw {
  return {
    int: (min, max) => g(fc.integer, { min, max }),
    chance: (percent) => g(fc.integer, { min: 0, max: 99 }) < percent,
    pick: (items) => items[g(fc.integer, { min: 0, max: items.length - 1 })]!,
  };
}

const CLAUDE_MODELS = [
  "claude-sonnet-4-5-20250929",
  "claude-opus-4-6",
  "claude-haiku-4-5-20251001",
  "claude-mystery-9",
] as const;
const CODEX_MODELS = ["gpt-5", "gpt-5-codex", "gpt-5-mini"] as const;
const pad = (n: number, width: number) => String(n).padStart(width, "0");

/** A clock that moves forward by seconds, sometimes by hours, so calls fall on several days. */
function clock(draw: Draw): { next(): string; now(): string } {
  let time = Date.UTC(2026, 2, 1 + draw.int(0, 3), draw.int(0, 23), draw.int(0, 59), draw.int(0, 59));
  return {
    next() {
      time += draw.chance(15) ? draw.int(1, 30) * 3_600_000 : draw.int(1, 600) * 1000;
      return new Date(time).toISOString();
    },
    now: () => new Date(time).toISOString(),
  };
}

const plus = (iso: string, seconds: number) => new Date(Date.parse(iso) + seconds * 1000).toISOString();

interface Usage {
  input: number;
  cacheRead: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  output: number;
}

function claudeUsage(draw: Draw): Usage {
  return {
    input: draw.int(0, 5000),
    // Now and then past 200k of input: the whole request is priced at the long-context tier.
    cacheRead: draw.chance(10) ? draw.int(190_000, 260_000) : draw.int(0, 60_000),
    cacheWrite5m: draw.int(0, 8000),
    cacheWrite1h: draw.chance(30) ? draw.int(0, 4000) : 0,
    // Above every placeholder count (1-10), as a finished response's count is.
    output: draw.int(11, 4000),
  };
}

/** One Claude Code session: its main file, and the subagent, 2.0.x agent and compaction files around it. */
function claudeSession(draw: Draw, index: number, corpus: TraceCorpus): void {
  const session = `c1a0de00-0000-4000-8000-${pad(index, 12)}`;
  const project = draw.pick(["-home-dev-api", "-home-dev-web"]);
  const cwd = `/home/dev/${project.slice("-home-dev-".length)}`;
  const mainFile = `${project}/${session}.jsonl`;
  const file = (name: string) => (corpus[name] ??= []);
  const agentFiles = [
    `${project}/${session}/subagents/agent-a${index}1.jsonl`,
    `${project}/${session}/subagents/agent-a${index}2.jsonl`,
    `${project}/agent-${pad(index, 4)}beef.jsonl`,
    `${project}/${session}/subagents/agent-acompact-${index}.jsonl`,
  ];
  const agentIdOf = (name: string) => name.slice(name.lastIndexOf("agent-") + "agent-".length, -".jsonl".length);
  const time = clock(draw);
  let uuid = 0;
  const nextUuid = () => `${session.slice(0, 8)}-u${++uuid}`;
  const base = { sessionId: session, cwd };

  file(mainFile).push(
    JSON.stringify({ type: "summary", summary: `earlier work ${index}`, leafUuid: `${session.slice(0, 8)}-leaf` }),
    JSON.stringify({ type: "file-history-snapshot", messageId: `snap-${index}`, snapshot: { trackedFileBackups: {} } }),
    userPromptLine(`task ${index}: make it work`, session),
  );
  const responses = draw.int(1, 7);
  for (let r = 0; r < responses; r += 1) {
    const at = time.next();
    const model = draw.pick(CLAUDE_MODELS);
    const usage = claudeUsage(draw);
    const speed = model === "claude-opus-4-6" && draw.chance(20) ? ("fast" as const) : undefined;
    const kind = draw.pick(["main", "main", "main", "no-id", "agent", "compaction", "synthetic"] as const);
    const messageId = `msg_${index}_${r}`;
    // Rule 1: a line per content block; early lines carry a placeholder output count.
    const blocks = (count: number, line: (output: number, block: number) => string) =>
      Array.from({ length: count }, (_, block) => line(block === count - 1 ? usage.output : draw.int(1, 10), block));
    const toolUse = draw.chance(30)
      ? { type: "tool_use", id: `tu_${index}_${r}`, name: "Bash", input: { command: `ls ${r}` } }
      : null;
    const content = toolUse ? [toolUse] : [{ type: "text", text: `step ${r}` }];

    if (kind === "main") {
      const count = draw.int(1, 3);
      file(mainFile).push(
        ...blocks(count, (output, block) =>
          assistantLine({
            ...base,
            model,
            speed,
            messageId,
            requestId: `req_${index}_${r}`,
            input: usage.input,
            cacheRead: usage.cacheRead,
            cacheWrite5m: usage.cacheWrite5m,
            cacheWrite1h: usage.cacheWrite1h,
            output,
            timestamp: plus(at, block),
            uuid: nextUuid(),
            content,
          }),
        ),
      );
      if (toolUse) file(mainFile).push(userToolResultLine(toolUse.id, `output of ${r}\n`, { sessionId: session }));
      // Rule 3: a side question replays this message as a sidechain copy, somewhere in the session.
      if (draw.chance(35)) {
        const where = draw.pick([mainFile, ...agentFiles]);
        const copyAt = plus(at, draw.int(5, 7200));
        file(where).push(
          ...blocks(draw.int(1, count), (output, block) =>
            assistantLine({
              ...base,
              model,
              speed,
              messageId,
              requestId: `req_${index}_${r}_btw`,
              isSidechain: true,
              agentId: where === mainFile ? undefined : agentIdOf(where),
              input: usage.input,
              cacheRead: usage.cacheRead,
              cacheWrite5m: usage.cacheWrite5m,
              cacheWrite1h: usage.cacheWrite1h,
              output,
              timestamp: plus(copyAt, block),
              uuid: nextUuid(),
              content,
            }),
          ),
        );
      }
    } else if (kind === "no-id") {
      // Rule 4: no message id, so no de-duplication: every line is a call.
      const where = draw.chance(70) ? mainFile : draw.pick(agentFiles);
      const requestId = draw.chance(50) ? `req_${index}_${r}` : null;
      const lines = draw.int(1, 2);
      for (let line = 0; line < lines; line += 1) {
        file(where).push(
          assistantLine({
            ...base,
            model,
            messageId: null,
            requestId,
            isSidechain: where !== mainFile,
            agentId: where === mainFile ? undefined : agentIdOf(where),
            input: usage.input,
            cacheRead: usage.cacheRead,
            cacheWrite5m: usage.cacheWrite5m,
            output: draw.int(1, 500),
            timestamp: plus(at, line),
            uuid: nextUuid(),
          }),
        );
      }
    } else if (kind === "agent") {
      // A subagent's (or a compaction's) own call, in its file; the main file may carry a progress copy (rule 2).
      const where = draw.pick(agentFiles);
      const lines = blocks(draw.int(1, 2), (output, block) =>
        assistantLine({
          ...base,
          model,
          messageId,
          requestId: `req_${index}_${r}`,
          isSidechain: true,
          agentId: agentIdOf(where),
          input: usage.input,
          cacheRead: usage.cacheRead,
          cacheWrite5m: usage.cacheWrite5m,
          cacheWrite1h: usage.cacheWrite1h,
          output,
          timestamp: plus(at, block),
          uuid: nextUuid(),
        }),
      );
      file(where).push(...lines);
      if (draw.chance(60)) {
        file(mainFile).push(
          JSON.stringify({
            type: "progress",
            sessionId: session,
            cwd,
            data: { type: "agent_progress", message: JSON.parse(lines[lines.length - 1]!) },
            uuid: nextUuid(),
            timestamp: plus(at, 3),
          }),
        );
      }
    } else if (kind === "compaction") {
      // The compaction's own call sits in its agent-acompact file; the main file marks the boundary.
      file(mainFile).push(
        JSON.stringify({
          type: "system",
          subtype: "compact_boundary",
          sessionId: session,
          cwd,
          content: "Conversation compacted",
          uuid: nextUuid(),
          timestamp: at,
        }),
      );
      const where = agentFiles[3]!;
      file(where).push(
        ...blocks(draw.int(1, 2), (output, block) =>
          assistantLine({
            ...base,
            model,
            messageId,
            requestId: `req_${index}_${r}`,
            isSidechain: true,
            agentId: agentIdOf(where),
            input: usage.input,
            cacheRead: usage.cacheRead,
            cacheWrite5m: usage.cacheWrite5m,
            output,
            timestamp: plus(at, block + 1),
            uuid: nextUuid(),
          }),
        ),
      );
    } else {
      // An API error Claude Code writes locally: model <synthetic>, zero usage, not a model call.
      file(mainFile).push(
        assistantLine({
          ...base,
          model: "<synthetic>",
          messageId: `msg_${index}_${r}_err`,
          requestId: null,
          input: 0,
          output: 0,
          timestamp: at,
          uuid: nextUuid(),
        }),
      );
    }
  }
}

/** One Codex rollout: running totals, re-emitted identical events, models from turn_context. */
function codexSession(draw: Draw, index: number, corpus: TraceCorpus): void {
  const id = `0199c0de-0000-7000-8000-${pad(index, 12)}`;
  const time = clock(draw);
  const start = time.now();
  const [date, clockTime] = start.split("T") as [string, string];
  const name = `${date.replaceAll("-", "/")}/rollout-${date}T${clockTime.slice(0, 8).replaceAll(":", "-")}-${id}.jsonl`;
  const cwd = `/home/dev/svc${index}`;
  const lines = [
    codexLine("session_meta", { id, timestamp: start, cwd, cli_version: "0.46.0", git: { branch: "main" } }, start),
    codexLine("event_msg", { type: "token_count", info: null }, start),
  ];
  const totals: CodexUsage = { input: 0, cached: 0, output: 0, reasoning: 0 };
  const turns = draw.int(1, 3);
  for (let turn = 0; turn < turns; turn += 1) {
    // A compaction between turns does not reset the running totals.
    if (turn > 0 && draw.chance(30))
      lines.push(codexLine("compacted", { message: `summary of turn ${turn - 1}` }, time.next()));
    lines.push(codexLine("turn_context", { model: draw.pick(CODEX_MODELS), cwd }, time.next()));
    lines.push(codexLine("event_msg", { type: "user_message", message: `turn ${turn}` }, time.now()));
    const responses = draw.int(1, 3);
    for (let r = 0; r < responses; r += 1) {
      const input = draw.int(100, 80_000);
      const output = draw.int(1, 3000);
      const last: CodexUsage = { input, cached: draw.int(0, input), output, reasoning: draw.int(0, output) };
      totals.input += last.input;
      totals.cached += last.cached;
      totals.output += last.output;
      totals.reasoning += last.reasoning;
      if (draw.chance(30)) {
        const call = `call_${index}_${turn}_${r}`;
        lines.push(
          codexLine(
            "response_item",
            { type: "function_call", name: "shell", arguments: JSON.stringify({ command: ["ls"] }), call_id: call },
            time.now(),
          ),
        );
        lines.push(
          codexLine("response_item", { type: "function_call_output", call_id: call, output: "a\nb\n" }, time.now()),
        );
      }
      lines.push(codexTokenCount({ ...totals }, last, time.next()));
      // The same running total again, with a new timestamp: not a new call.
      const repeats = draw.int(0, 2);
      for (let again = 0; again < repeats; again += 1) lines.push(codexTokenCount({ ...totals }, last, time.next()));
    }
  }
  corpus[`sessions/${name}`] = lines;
}

export function generateCorpus(draw: Draw): TraceCorpus {
  const corpus: TraceCorpus = {};
  const claudeSessions = draw.int(1, 3);
  for (let index = 0; index < claudeSessions; index += 1) claudeSession(draw, index, corpus);
  const codexSessions = draw.int(0, 2);
  for (let index = 0; index < codexSessions; index += 1) codexSession(draw, index, corpus);
  return corpus;
}
