/**
 * Every regex that runs on trace content (lib/ingest, lib/analyze, lib/waste, lib/ownership) fed
 * the inputs that make backtracking regexes quadratic or worse, at megabyte scale. The bound is
 * generous: it catches a stall (the reference finder once took ~9 s on 521 kB), never measures speed.
 */
import { describe, expect, it } from "vitest";
import { type AttributionContext, attributeRun, type RunFacts } from "@/lib/ownership/attribution";
import { PHASE_RULES } from "@/lib/waste/cost-anatomy";
import { identityFromCwd } from "./identities";
import { detectFormat, parseTraceStream } from "./parsers";
import { assistantLine, chunked, collect, userToolResultLine } from "./parsers/__fixtures__/trace-lines";
import { claudeFileIdentity } from "./parsers/claude-code";
import { codexFileSessionId } from "./parsers/codex";
import { referencesInToolOutput } from "./references";

const STALL_MS = 5000;
const MB = 1024 * 1024;

/** Inputs that defeat `\s*`, `[^x]*` and repeated-prefix patterns, each about `size` characters. */
function hostileTexts(size: number): Record<string, string> {
  const fill = (unit: string, tail = "") => unit.repeat(Math.ceil(size / unit.length)) + tail;
  return {
    newlines: fill("\n", " -> "),
    spaces: fill(" ", " -> "),
    tabsAndNewlines: fill("\t\n", "] x -> y"),
    openCommits: fill("[a (\n", "] "),
    openParens: fill("[a (", "] "),
    shaRanges: fill("abcdef0..abcdef0 ", " -> "),
    newBranches: fill("* [new branch] ", "->"),
    urls: fill("https://github.com/a/", "/pull/"),
    longUrl: `https://github.com/${"a".repeat(size)}/pull/`,
    gitCommands: fill("git  gh pr  npm run  cd a&&", ""),
    ticketish: fill("ABCDEFGHIJ-", "1"),
    jsonKeys: fill('"type" "payload" "sessionId"  ', ":"),
    homes: `/home/${"a/".repeat(size / 2)}`,
  };
}

function expectQuick(label: string, work: () => unknown) {
  const start = performance.now();
  work();
  expect(performance.now() - start, label).toBeLessThan(STALL_MS);
}

/** No rules or projects: everything discovery reads from the run's own strings runs on the hostile text. */
const discoveryOn: AttributionContext = {
  rules: [],
  projects: [],
  discovery: { owners: true, projects: true, tasks: true, ignoredKeys: new Set() },
  projectsByKey: new Map(),
  tasksByKey: new Map(),
};

const facts = (text: string): RunFacts => ({
  repository: text,
  cwd: text,
  branch: text,
  identity: text,
  identityId: null,
  models: [text],
  apiKeyId: null,
  source: "claude-code",
  title: text,
  pullRequest: text,
  identityPersonId: null,
  identityPersonSetBy: null,
  ownerId: null,
  ownerSetBy: null,
  projectId: null,
  projectSetBy: null,
  taskId: null,
  taskSetBy: null,
});

describe("regexes on trace content stay linear", () => {
  it("finds references in tool outputs of every hostile shape in time, within and past the part searched", () => {
    for (const size of [60_000, MB]) {
      for (const [name, text] of Object.entries(hostileTexts(size)))
        expectQuick(`${name} ${size}`, () => referencesInToolOutput(text));
    }
  });

  it("still finds what real git output says after 65,000 newlines", () => {
    const text = `${"\n".repeat(65_000)} -> \n * [new branch]      fix-cache -> fix-cache\n`;
    expect(referencesInToolOutput(text.slice(65_000))).toEqual([{ kind: "branch", value: "fix-cache" }]);
    expectQuick("newlines then a push", () => referencesInToolOutput(text));
  });

  it("parses a 4 MB Claude Code file of hostile tool results in time", async () => {
    const lines: string[] = [];
    for (const size of [60_000, 256 * 1024]) {
      for (const [name, text] of Object.entries(hostileTexts(size))) {
        const id = `${name}-${size}`;
        lines.push(
          assistantLine({
            messageId: `m-${id}`,
            requestId: `r-${id}`,
            content: [{ type: "tool_use", id: `t-${id}`, name: "Bash", input: { command: text.slice(0, 2000) } }],
          }),
        );
        lines.push(userToolResultLine(`t-${id}`, text));
      }
    }
    const file = `${lines.join("\n")}\n`;
    expect(file.length).toBeGreaterThan(3 * MB);
    const start = performance.now();
    const events = await collect(
      parseTraceStream("claude-code", chunked(file, 64 * 1024), "session-1.jsonl", { withDetails: true }),
    );
    expect(performance.now() - start).toBeLessThan(STALL_MS);
    expect(events.filter((event) => event.kind === "toolResult")).toHaveLength(2 * Object.keys(hostileTexts(1)).length);
  });

  it("detects formats, names files and reads identities from hostile text in time", () => {
    for (const [name, text] of Object.entries(hostileTexts(MB))) {
      expectQuick(`detect ${name}`, () =>
        detectFormat(
          text
            .slice(0, 64 * 1024)
            .split("\n")
            .slice(0, 20),
        ),
      );
      expectQuick(`codex file ${name}`, () => codexFileSessionId(text));
      expectQuick(`claude file ${name}`, () => claudeFileIdentity(text));
      expectQuick(`cwd ${name}`, () => identityFromCwd(text));
    }
  });

  it("classifies hostile commands and finds ticket keys in time", () => {
    for (const [name, text] of Object.entries(hostileTexts(MB))) {
      expectQuick(`phase ${name}`, () => {
        for (const rule of PHASE_RULES) rule.command?.test(text);
      });
      expectQuick(`ticket ${name}`, () => attributeRun(facts(text), discoveryOn));
    }
  });
});
