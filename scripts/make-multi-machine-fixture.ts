/**
 * Writes fixtures/multi-machine/: real traces from fixtures/real, moved onto four machines of one
 * team (their working directories, branches and repositories rewritten, nothing else), to test
 * what discovery finds with no set-up. Run with `npx tsx scripts/make-multi-machine-fixture.ts`.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

const real = path.resolve("fixtures/real");
const out = path.resolve("fixtures/multi-machine");

interface Move {
  from: string;
  to: string;
  cwd: string;
  branch: string;
  /** Codex only: the remote in session_meta. */
  repositoryUrl?: string;
}

const moves: Move[] = [
  // ana's Linux laptop: a ticket branch, a worktree of the same repository, a repo-worktrees folder.
  {
    from: "spotter/test/fixtures/transcripts/short.jsonl",
    to: "ana-laptop/.claude/projects/-home-ana-src-billing-api/short.jsonl",
    cwd: "/home/ana/src/billing-api",
    branch: "feat/PAY-123-retry",
  },
  {
    from: "spotter/test/fixtures/transcripts/tool_heavy.jsonl",
    to: "ana-laptop/.claude/projects/-home-ana-src-billing-api--worktrees-refunds/tool_heavy.jsonl",
    cwd: "/home/ana/src/billing-api/.worktrees/refunds/lib",
    branch: "feat/PAY-130-refunds",
  },
  ...["agent-a2898e3.jsonl", "agent-acompact-e1f845.jsonl"].map((file) => ({
    from: `spotter/test/fixtures/transcripts/4d5611e5-241a-462a-8d15-5122611a9569/subagents/${file}`,
    to: `ana-laptop/.claude/projects/-home-ana-src-billing-api-worktrees-ledger/4d5611e5-241a-462a-8d15-5122611a9569/subagents/${file}`,
    cwd: "/home/ana/src/billing-api-worktrees/ledger",
    branch: "ledger-export",
  })),
  // bo's Mac: the web app, from its root and from a package inside it.
  {
    from: "sniffly/tests/mock-data/-Users-chip-dev-ai-music/ba79134d-b6e9-4867-af0c-6941038c9e4b.jsonl",
    to: "bo-mac/.claude/projects/-Users-bo-work-web-app/ba79134d-b6e9-4867-af0c-6941038c9e4b.jsonl",
    cwd: "/Users/bo/work/web-app",
    branch: "feature/onboarding-flow",
  },
  {
    from: "sniffly/tests/mock-data/-Users-chip-dev-ai-music/fed8ce56-bc79-401f-a83e-af084253362f.jsonl",
    to: "bo-mac/.claude/projects/-Users-bo-work-web-app-packages-ui/fed8ce56-bc79-401f-a83e-af084253362f.jsonl",
    cwd: "/Users/bo/work/web-app/packages/ui",
    branch: "main",
  },
  // dan's machine, Codex: the billing API by its remote, and infra on main (no task in the data).
  {
    from: "localpush/src-tauri/tests/fixtures/codex/2026-02-23/raw/sessions/rollout-2026-02-23T12-40-23-019c8a4c-ed82-79a1-aa28-7738fc5ab61a.jsonl",
    to: "dan-desktop/.codex/sessions/2026/02/23/rollout-2026-02-23T12-40-23-019c8a4c-ed82-79a1-aa28-7738fc5ab61a.jsonl",
    cwd: "/home/dan/code/payments",
    branch: "PAY-140-ledger",
    repositoryUrl: "git@github.com:acme/billing-api.git",
  },
  {
    from: "localpush/src-tauri/tests/fixtures/codex/2026-02-23/raw/sessions/rollout-2026-02-23T12-41-04-019c8a4d-8f45-7010-8b5d-7fad920aa6f9.jsonl",
    to: "dan-desktop/.codex/sessions/2026/02/23/rollout-2026-02-23T12-41-04-019c8a4d-8f45-7010-8b5d-7fad920aa6f9.jsonl",
    cwd: "/home/dan/code/infra",
    branch: "main",
    repositoryUrl: "https://github.com/acme/infra.git",
  },
  // CI: a service user, the default branch. Nothing here names an owner or a task.
  {
    from: "spotter/test/fixtures/transcripts/subagent.jsonl",
    to: "ci-runner/.claude/projects/-home-runner-work-web-app-web-app/subagent.jsonl",
    cwd: "/home/runner/work/web-app/web-app",
    branch: "main",
  },
];

function rewrite(line: string, move: Move): string {
  if (!line.trim()) return line;
  const record = JSON.parse(line) as Record<string, unknown> & { type?: string; payload?: Record<string, unknown> };
  if (record.payload && (record.type === "session_meta" || record.type === "turn_context")) {
    if ("cwd" in record.payload) record.payload.cwd = move.cwd;
    if (record.type === "session_meta")
      record.payload.git = {
        ...(record.payload.git as object),
        branch: move.branch,
        repository_url: move.repositoryUrl,
      };
    return JSON.stringify(record);
  }
  if (typeof record.sessionId === "string") {
    record.cwd = move.cwd;
    record.gitBranch = move.branch;
  }
  return JSON.stringify(record);
}

rmSync(out, { recursive: true, force: true });
for (const move of moves) {
  const lines = readFileSync(path.join(real, move.from), "utf8").split("\n");
  const target = path.join(out, move.to);
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, lines.map((line) => rewrite(line, move)).join("\n"));
}
writeFileSync(
  path.join(out, "README.md"),
  `# A team's traces from four machines\n\nMade by \`scripts/make-multi-machine-fixture.ts\` from \`fixtures/real\` (sources in\n\`fixtures/real/SOURCES.md\`): each file is a real trace with its working directory, branch and\n(Codex) repository rewritten, token counts untouched.\n\n| machine | from | working directory | branch |\n|---|---|---|---|\n${moves.map((m) => `| ${m.to.split("/")[0]} | ${m.from} | ${m.cwd}${m.repositoryUrl ? ` (${m.repositoryUrl})` : ""} | ${m.branch} |`).join("\n")}\n`,
);
