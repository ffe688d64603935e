/**
 * Generated Claude Code transcripts with a known context package, known MCP tools and known
 * instruction-file reads (lines shaped like fixtures/real's 2.1.x transcripts, through
 * lib/ingest/parsers/__fixtures__/trace-lines.ts), and what the context package must measure on them.
 *
 * Every run: call 1 writes the package (`packageWrite` tokens to the 5-minute cache + 10 uncached)
 * and asks for its tools; the tool results come back; call 2 reads the package from the cache
 * (10 tokens of it written again, as call 1 sent them uncached); call 3 reads all of it. With
 * `compaction`, a compaction agent's call follows, then call 4 reads the package from the cache
 * except 10 tokens written to the 1-hour cache, re-reads the instruction file, and calls 5 and 6
 * read the whole package.
 */
import { assistantLine } from "@/lib/ingest/parsers/__fixtures__/trace-lines";

export const SONNET = "claude-sonnet-4-5-20250929";
/** claude-sonnet-4-5 list prices per token (genai-prices): input, 5m write, 1h write, cache read. */
export const SONNET_PRICE = { input: 3e-6, write5m: 3.75e-6, write1h: 6e-6, read: 0.3e-6 };

export interface GeneratedRun {
  session: string;
  cwd: string;
  /** Day of the run, YYYY-MM-DD. */
  day: string;
  packageWrite: number;
  /** Tool names asked for on call 1 (e.g. mcp__github__search_issues). */
  tools: string[];
  /** Path read on call 1 with the Read tool, or a shell command reading it with Bash. */
  instructionFile: { read: "Read" | "Bash"; path: string; bytes: number };
  compaction?: boolean;
}

const time = (day: string, second: number) => `${day}T10:00:${String(second).padStart(2, "0")}.000Z`;

function toolResult(session: string, cwd: string, toolUseId: string, text: string, timestamp: string): string {
  return JSON.stringify({
    parentUuid: null,
    isSidechain: false,
    userType: "external",
    cwd,
    sessionId: session,
    version: "2.1.39",
    gitBranch: "main",
    type: "user",
    message: { role: "user", content: [{ tool_use_id: toolUseId, type: "tool_result", content: text }] },
    uuid: `${toolUseId}-result`,
    timestamp,
  });
}

function prompt(session: string, cwd: string, day: string): string {
  return JSON.stringify({
    parentUuid: null,
    isSidechain: false,
    userType: "external",
    cwd,
    sessionId: session,
    version: "2.1.39",
    gitBranch: "main",
    type: "user",
    message: { role: "user", content: "fix the flaky test" },
    uuid: `${session}-prompt`,
    timestamp: `${day}T09:59:59.000Z`,
  });
}

function readBlock(run: GeneratedRun, id: string) {
  const { read, path } = run.instructionFile;
  return {
    type: "tool_use",
    id,
    name: read,
    input: read === "Read" ? { file_path: path } : { command: `cat ${path}` },
  };
}

/** The transcript lines of one run (one session file). */
export function runLines(run: GeneratedRun): string[] {
  const { session, cwd, day, packageWrite: w } = run;
  const fileTokens = Math.round(run.instructionFile.bytes / 4);
  const call = (
    n: number,
    second: number,
    usage: { input: number; cacheRead?: number; cacheWrite5m?: number; cacheWrite1h?: number },
    content?: unknown[],
    agentId?: string,
  ) =>
    assistantLine({
      sessionId: session,
      cwd,
      model: SONNET,
      messageId: `${session}-m${n}`,
      requestId: `${session}-r${n}`,
      uuid: `${session}-u${n}`,
      timestamp: time(day, second),
      output: 50,
      content,
      ...usage,
      ...(agentId ? { agentId, isSidechain: true } : {}),
    });
  const lines = [
    prompt(session, cwd, day),
    call(1, 0, { input: 10, cacheWrite5m: w }, [
      readBlock(run, `${session}-t0`),
      ...run.tools.map((name, i) => ({ type: "tool_use", id: `${session}-t${i + 1}`, name, input: { query: "x" } })),
    ]),
    toolResult(session, cwd, `${session}-t0`, "x".repeat(run.instructionFile.bytes), time(day, 1)),
    ...run.tools.map((_, i) => toolResult(session, cwd, `${session}-t${i + 1}`, "ok", time(day, 1))),
    call(2, 2, { input: 5, cacheRead: w, cacheWrite5m: 10 + fileTokens }),
    call(3, 3, { input: 5, cacheRead: w + 10 + fileTokens, cacheWrite5m: 100 }),
  ];
  if (run.compaction) {
    lines.push(
      call(9, 4, { input: 5, cacheRead: w + 10 + fileTokens + 100, cacheWrite5m: 200 }, undefined, "acompact-1a2b"),
      call(4, 5, { input: 5, cacheRead: w, cacheWrite1h: 3_000 }, [readBlock(run, `${session}-t9`)]),
      toolResult(session, cwd, `${session}-t9`, "x".repeat(run.instructionFile.bytes), time(day, 6)),
      call(5, 7, { input: 5, cacheRead: w + 3_000, cacheWrite5m: fileTokens }),
      call(6, 8, { input: 5, cacheRead: w + 3_000 + fileTokens, cacheWrite5m: 100 }),
    );
  }
  return lines;
}

export interface ExpectedPackage {
  packageTokens: number;
  callsCarried: number;
  packageCostUsd: number;
  /** The instruction file's tokens carried on later calls at the cache-read price. */
  instructionCarriedUsd: number;
  instructionReadsAfterCompaction: number;
}

/** What measuring must find, worked out by hand from the lines above and the list prices. */
export function expectedPackage(run: GeneratedRun): ExpectedPackage {
  const p = SONNET_PRICE;
  const w = run.packageWrite;
  const fileTokens = Math.round(run.instructionFile.bytes / 4);
  const packageTokens = w + 10;
  // call 1: w written (5m) + 10 uncached; call 2: w read + 10 written (5m); call 3: all read.
  let cost = w * p.write5m + 10 * p.input + (w * p.read + 10 * p.write5m) + packageTokens * p.read;
  let carriedFile = fileTokens * p.read; // entered on call 2, carried by call 3
  if (run.compaction) {
    // call 4: w read + 10 written (1h); calls 5 and 6: all read. The re-read enters on 5, carried by 6.
    cost += w * p.read + 10 * p.write1h + 2 * packageTokens * p.read;
    carriedFile += fileTokens * p.read;
  }
  return {
    packageTokens,
    callsCarried: run.compaction ? 6 : 3,
    packageCostUsd: cost,
    instructionCarriedUsd: carriedFile,
    instructionReadsAfterCompaction: run.compaction ? 1 : 0,
  };
}

/** Two projects: alpha's package grows on its third run (CLAUDE.md doubled), linear's MCP tools used once in four runs; beta is small. */
export const generatedTeamRuns: GeneratedRun[] = [
  {
    session: "alpha-1",
    cwd: "/home/dev/alpha",
    day: "2026-02-09",
    packageWrite: 20_000,
    tools: ["mcp__github__search_issues", "mcp__linear__get_issue"],
    instructionFile: { read: "Read", path: "/home/dev/alpha/CLAUDE.md", bytes: 4_000 },
  },
  {
    session: "alpha-2",
    cwd: "/home/dev/alpha",
    day: "2026-02-10",
    packageWrite: 20_000,
    tools: ["mcp__github__search_issues", "Bash"],
    instructionFile: { read: "Read", path: "/home/dev/alpha/CLAUDE.md", bytes: 4_000 },
  },
  {
    session: "alpha-3",
    cwd: "/home/dev/alpha",
    day: "2026-02-16",
    packageWrite: 30_000,
    tools: ["mcp__github__search_issues"],
    instructionFile: { read: "Read", path: "/home/dev/alpha/CLAUDE.md", bytes: 8_000 },
  },
  {
    session: "alpha-4",
    cwd: "/home/dev/alpha",
    day: "2026-02-17",
    packageWrite: 30_000,
    tools: ["mcp__github__search_issues", "Grep"],
    instructionFile: { read: "Read", path: "/home/dev/alpha/CLAUDE.md", bytes: 8_000 },
    compaction: true,
  },
  {
    session: "beta-1",
    cwd: "/home/dev/beta",
    day: "2026-02-10",
    packageWrite: 5_000,
    tools: [],
    instructionFile: { read: "Bash", path: "AGENTS.md", bytes: 400 },
  },
  {
    session: "beta-2",
    cwd: "/home/dev/beta",
    day: "2026-02-17",
    packageWrite: 5_000,
    tools: [],
    instructionFile: { read: "Bash", path: "AGENTS.md", bytes: 400 },
  },
];
