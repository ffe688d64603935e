/**
 * What a run produced, as its tool calls show it: commits (`git commit` prints "[branch sha]"),
 * pull requests (`gh pr create` prints the PR's URL) and branches pushed. Outcomes match GitHub
 * webhooks to runs through these; a run that produced one is at least "proposed".
 */
export type ReferenceKind = "commit" | "pr-url" | "branch";

export interface WorkReference {
  kind: ReferenceKind;
  value: string;
}

const PULL_REQUEST_URL = /https:\/\/github\.com\/[\w.-]+\/[\w.-]+\/pull\/\d+/g;
/** `git commit` output: "[main 1a2b3c4] message" or "[feature/x (root-commit) 1a2b3c4] message". */
const COMMIT_LINE = /^\[([^\]\s]+)(?: \([^)]*\))? ([0-9a-f]{7,40})\]/gm;
/** `git push` output: "* [new branch]      feature-x -> feature-x" or "   abc..def  main -> main". */
const PUSHED_BRANCH = /^\s*(?:\*\s+\[new branch\]|[0-9a-f]{7,40}\.\.[0-9a-f]{7,40}|\+\s+[0-9a-f]{7,40}\.\.\.[0-9a-f]{7,40})\s+\S+\s+->\s+(\S+)/gm;

/** References in a tool's output text. Bounded: only the first 64 kB of a huge output are read. */
export function referencesInToolOutput(text: string): WorkReference[] {
  const head = text.length > 65_536 ? text.slice(0, 65_536) : text;
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
