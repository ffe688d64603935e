/**
 * What a run produced, as its tool calls show it: commits (`git commit` prints "[branch sha]"),
 * pull requests (`gh pr create` prints the PR's URL) and branches pushed. Outcomes match GitHub
 * webhooks to runs through these; a run that produced one is at least "proposed".
 *
 * Tool output is untrusted and can be huge: only its first 64 kB are read, and every pattern is
 * linear in that text. The line patterns use `[ \t]` (never `\s`, which also matches newlines) and
 * no class that can cross a line end, so one match attempt never reads past its own line; a `\s`
 * there made 65,000 newlines followed by " -> " take seconds (quadratic backtracking).
 */
export type ReferenceKind = "commit" | "pr-url" | "branch";

export interface WorkReference {
  kind: ReferenceKind;
  value: string;
}

/** How much of one tool output is searched: git and gh print their references first. */
const SEARCHED_CHARS = 65_536;

const PULL_REQUEST_URL = /https:\/\/github\.com\/[\w.-]+\/[\w.-]+\/pull\/\d+/g;
/** `git commit` output: "[main 1a2b3c4] message" or "[feature/x (root-commit) 1a2b3c4] message". */
const COMMIT_LINE = /^\[([^\]\s]+)(?: \([^)\n]*\))? ([0-9a-f]{7,40})\]/gm;
/** `git push` output: "* [new branch]      feature-x -> feature-x" or "   abc..def  main -> main". */
const PUSHED_BRANCH =
  /^[ \t]*(?:\*[ \t]+\[new branch\]|[0-9a-f]{7,40}\.\.[0-9a-f]{7,40}|\+[ \t]+[0-9a-f]{7,40}\.\.\.[0-9a-f]{7,40})[ \t]+[^\s]+[ \t]+->[ \t]+([^\s]+)/gm;

/** References in a tool's output text. */
export function referencesInToolOutput(text: string): WorkReference[] {
  const head = text.length > SEARCHED_CHARS ? text.slice(0, SEARCHED_CHARS) : text;
  const found = new Map<string, WorkReference>();
  const add = (kind: ReferenceKind, value: string) => found.set(`${kind}:${value}`, { kind, value });
  // Cheap substring checks first: almost no tool output holds any of these.
  if (head.includes("/pull/")) for (const match of head.matchAll(PULL_REQUEST_URL)) add("pr-url", match[0]);
  if (head.includes("] ")) {
    for (const match of head.matchAll(COMMIT_LINE)) {
      add("commit", match[2]!);
      add("branch", match[1]!);
    }
  }
  if (head.includes(" -> ")) for (const match of head.matchAll(PUSHED_BRANCH)) add("branch", match[1]!);
  return [...found.values()];
}
