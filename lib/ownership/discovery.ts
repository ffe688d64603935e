/**
 * What a run's own data names, before anyone sets anything up: its project (the repository), its
 * task (a ticket key, a feature branch, a pull request) and whether an identity is a person.
 * Pure functions over untrusted trace strings; every pattern here is linear-time (no nested
 * quantifiers) and inputs are length-bounded.
 *
 * The repository folder heuristic, for a working directory without a remote URL:
 *   1. worktrees fold into their repository: `<repo>/.worktrees/<x>`, `<repo>/.claude/worktrees/<x>`
 *      and `<repo>-worktrees/<x>` are `<repo>`;
 *   2. under a home directory (`/home/<user>`, `/Users/<user>`, `C:\Users\<user>`, `/root`), and
 *      under a workspace folder at the root (`/workspace`, `/src`, `/srv`, ...), workspace folders
 *      (`src`, `code`, `work`, `projects`, `repos`, `dev`, `git`, `Documents`, ...) are skipped and the
 *      next directory is the repository: `/home/ana/src/billing-api/lib` is `billing-api`;
 *   3. elsewhere the first directory is the repository (`/app/lib` is `app`);
 *   4. a home or workspace folder itself, or a system folder (`/tmp`, `/`), names no repository.
 * So the same repository cloned on several machines, at different depths, is one project.
 */

const MAX_INPUT = 2048;

/** Folders that hold repositories rather than being one. Compared lower-cased. */
const workspaceFolders = new Set([
  "src",
  "source",
  "sources",
  "code",
  "work",
  "workspace",
  "workspaces",
  "projects",
  "project",
  "repos",
  "repo",
  "repositories",
  "dev",
  "develop",
  "developer",
  "development",
  "git",
  "github",
  "gitlab",
  "documents",
  "desktop",
  "sandbox",
  "srv",
  "opt",
  "mnt",
  "data",
  "builds",
  "build",
  "home",
  "users",
  "var",
  "tmp",
  "temp",
  "private",
  "volumes",
  "lib",
  "usr",
]);

/** Folders under which nothing names a repository. */
const systemFolders = new Set(["tmp", "temp", "var", "private", "proc", "sys", "etc", "bin", "usr", "dev"]);

/** OS users that are machines, not people. */
const serviceUsers = new Set([
  "root",
  "runner",
  "ci",
  "ubuntu",
  "ec2-user",
  "admin",
  "administrator",
  "user",
  "vagrant",
  "docker",
  "node",
  "jenkins",
  "gitlab-runner",
  "github",
  "buildkite-agent",
  "circleci",
  "travis",
  "codespace",
  "vscode",
  "app",
  "www-data",
  "nobody",
  "daemon",
  "build",
  "builder",
  "agent",
  "bot",
  "test",
  "tester",
  "default",
  "guest",
  "debian",
  "centos",
  "fedora",
  "pi",
]);

export function isServiceUser(name: string): boolean {
  const lower = name.toLowerCase();
  return serviceUsers.has(lower) || lower.endsWith("[bot]") || lower.endsWith("-bot") || lower.startsWith("runner");
}

export interface RepositoryFound {
  /** The repository's name: the project's discovery key and its name when discovery creates it. */
  name: string;
  from: "repository" | "directory";
}

/**
 * A remote URL's repository name: `git@github.com:acme/billing-api.git`,
 * `https://github.com/acme/billing-api`, `ssh://git@host/acme/billing-api.git/` -> `billing-api`.
 */
export function repositoryNameFromUrl(url: string): string | null {
  const trimmed = url
    .slice(0, MAX_INPUT)
    .trim()
    .replace(/[?#].*$/, "")
    .replace(/\/+$/, "")
    .replace(/\.git$/i, "");
  const last = trimmed.split(/[/:]/).pop() ?? "";
  return cleanName(last);
}

function cleanName(name: string): string | null {
  const cleaned = name.trim();
  if (!cleaned || cleaned === "." || cleaned === ".." || cleaned.length > 200) return null;
  return cleaned;
}

/** Splits a POSIX or Windows path into its directories. */
function segmentsOf(path: string): string[] {
  return path
    .slice(0, MAX_INPUT)
    .split(/[\\/]+/)
    .filter((segment) => segment.length > 0);
}

/** Cuts a path at its worktree folder, so a worktree is its repository. */
function foldWorktrees(segments: string[]): string[] {
  for (let index = 1; index < segments.length; index++) {
    const segment = segments[index]!;
    const lower = segment.toLowerCase();
    if (lower === ".worktrees") return segments.slice(0, index);
    if (lower === ".claude" && segments[index + 1]?.toLowerCase() === "worktrees") return segments.slice(0, index);
    if (lower.endsWith("-worktrees") && lower.length > "-worktrees".length) {
      return [...segments.slice(0, index), segment.slice(0, -"-worktrees".length)];
    }
  }
  return segments;
}

/** How many leading segments are the home directory: /home/<u>, /Users/<u>, C:\Users\<u>, /root. */
function homeLength(segments: string[]): number {
  const first = segments[0]?.toLowerCase();
  if ((first === "home" || first === "users") && segments.length >= 2) return 2;
  if (first && /^[a-z]:$/.test(first) && segments[1]?.toLowerCase() === "users" && segments.length >= 3) return 3;
  if (first === "root") return 1;
  return 0;
}

export function repositoryFolder(cwd: string): string | null {
  const segments = foldWorktrees(segmentsOf(cwd));
  let index = homeLength(segments);
  if (index === 0 && segments[0] && /^[a-z]:$/i.test(segments[0])) index = 1; // a Windows drive
  const underHome = index > 0;
  if (!underHome && segments[0] && systemFolders.has(segments[0].toLowerCase())) return null;
  while (index < segments.length - 1 && workspaceFolders.has(segments[index]!.toLowerCase())) index += 1;
  const candidate = segments[index];
  if (!candidate) return null;
  // A lone workspace folder (`/home/ana/src`, `/workspace`) is not a repository.
  if (workspaceFolders.has(candidate.toLowerCase()) && index === segments.length - 1) return null;
  if (candidate.startsWith(".")) return null; // ~/.config, ~/.claude: not a repository
  return cleanName(candidate);
}

/** The run's repository: its remote URL's name when the trace has one, else its folder's. */
export function discoverRepository(repositoryUrl: string | null, cwd: string | null): RepositoryFound | null {
  const fromUrl = repositoryUrl ? repositoryNameFromUrl(repositoryUrl) : null;
  if (fromUrl) return { name: fromUrl, from: "repository" };
  const fromCwd = cwd ? repositoryFolder(cwd) : null;
  return fromCwd ? { name: fromCwd, from: "directory" } : null;
}

// Bounded quantifiers only: linear on any input.
const TICKET_KEY = /\b([A-Z][A-Z0-9]{1,9})-(\d{1,7})\b/g;
/** Upper-case prefixes that look like ticket keys but name standards and models. */
const notTickets = new Set([
  "UTF",
  "SHA",
  "GPT",
  "ISO",
  "RFC",
  "CVE",
  "HTTP",
  "TLS",
  "SSL",
  "AES",
  "RSA",
  "MD",
  "PEP",
  "ES",
  "IE",
  "GPL",
  "LGPL",
  "CP",
  "WIN",
]);

export function ticketKeyIn(text: string | null): string | null {
  if (!text) return null;
  for (const match of text.slice(0, MAX_INPUT).matchAll(TICKET_KEY)) {
    if (!notTickets.has(match[1]!)) return `${match[1]}-${match[2]}`;
  }
  return null;
}

const defaultBranches = new Set([
  "main",
  "master",
  "trunk",
  "develop",
  "development",
  "dev",
  "head",
  "default",
  "staging",
  "production",
  "release",
]);

export function isDefaultBranch(branch: string): boolean {
  return defaultBranches.has(branch.trim().toLowerCase());
}

export interface TaskFound {
  /** The task's key when discovery creates it, and its discovery key. */
  key: string;
  from: "ticket" | "branch" | "pr";
}

/** `https://github.com/acme/web-app/pull/42` -> `web-app#42`; other URLs as they are. */
export function pullRequestKey(url: string): string {
  const match = /\/([^/]{1,200})\/(?:pull|pulls|merge_requests|pull-requests)\/(\d{1,9})/.exec(url.slice(0, MAX_INPUT));
  return match ? `${match[1]}#${match[2]}` : url.slice(0, 300);
}

/** A ticket key in the branch or first prompt, else a feature branch, else a pull request. */
export function discoverTask(
  branch: string | null,
  title: string | null,
  pullRequestUrl: string | null,
): TaskFound | null {
  const ticket = ticketKeyIn(branch) ?? ticketKeyIn(title);
  if (ticket) return { key: ticket, from: "ticket" };
  const cleanBranch = branch?.trim().slice(0, 200);
  if (cleanBranch && !isDefaultBranch(cleanBranch)) return { key: cleanBranch, from: "branch" };
  if (pullRequestUrl) return { key: pullRequestKey(pullRequestUrl), from: "pr" };
  return null;
}

/** The name a discovered person gets: an OS user's name, or an email's local part. */
export function displayNameFromIdentity(kind: string, value: string): string {
  if (kind === "email" || kind === "uploader") return value.split("@")[0] || value;
  return value;
}
