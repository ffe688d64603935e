/**
 * Which runs of a team did a pull request's work. First the repository: a run is of a repository
 * by, strongest first,
 *   1. "remote": its git remote (Run.repository) names the repository, when the trace carries one;
 *   2. "project": else its project's repository pattern matches the repository;
 *   3. "folder": else (weakest) a folder of its working directory is named like the repository
 *      (the checkout itself, or the checkout a run started in a subfolder or a .claude/worktrees
 *      worktree of).
 * Each level is used only when the stronger ones say nothing: a run whose remote names another
 * repository is not this PR's, whatever its folder is called. Then, among the repository's runs,
 * what the run produced selects it, strongest first: the PR's URL in its output, a head or merge
 * commit it made, or the head branch (the run's own branch or one it pushed). The head branch
 * counts only in the head repository (a fork's PR: the fork's branch), never when it is the base
 * branch of the same repository (every run on main is not this PR's work).
 *
 * Everything here is plain string comparison in SQL (no pattern runs on trace content), except
 * project patterns, which ownership's matcher runs on the PR's repository names.
 */
import { db } from "@/lib/db/client";
import { table } from "@/lib/db/tables";
import { Prisma } from "@/lib/generated/prisma/client";
import { storedPatternMatcher } from "@/lib/ownership/pattern";
import type { PullRequestMatch } from "./record-outcome";

const RunTable = table("Run");
const pProject = table("Project", "p");
const rRun = table("Run", "r");
const ref = table("RunReference", "ref");

/** A repository as the payload names it. */
export interface GithubRepository {
  /** "owner/name" */
  fullName: string;
  /** "https://github.com/owner/name" (the host differs on GitHub Enterprise) */
  htmlUrl: string;
}

export interface PullRequestRef {
  htmlUrl: string;
  headRef: string;
  headSha: string;
  mergeCommitSha: string | null;
  baseRef: string;
  /** payload.repository: where the PR lives and merges. */
  base: GithubRepository;
  /** pull_request.head.repo: the fork for a fork's PR; null when the fork was deleted. */
  head: GithubRepository | null;
}

/** The shortest commit prefix matched: git's own abbreviation length. */
const MIN_SHA_PREFIX = 7;

function hostOf(repository: GithubRepository): string {
  try {
    return new URL(repository.htmlUrl).host.toLowerCase();
  } catch {
    return "github.com";
  }
}

/** How a git remote of the repository ends: https, ssh and scp-like forms, with or without ".git". */
function remoteEndings(repository: GithubRepository): string[] {
  const host = hostOf(repository);
  const path = repository.fullName.toLowerCase();
  return [`${host}/${path}`, `${host}/${path}.git`, `${host}:${path}`, `${host}:${path}.git`];
}

/** The repository as a project's repository pattern might be written against a run's remote. */
function repositoryNames(repository: GithubRepository): string[] {
  const host = hostOf(repository);
  const path = repository.fullName;
  return [
    `https://${host}/${path}`,
    `https://${host}/${path}.git`,
    `git@${host}:${path}.git`,
    `git@${host}:${path}`,
    `ssh://git@${host}/${path}.git`,
    `${host}/${path}`,
    path,
  ];
}

async function projectsOfRepository(teamId: string, repository: GithubRepository): Promise<string[]> {
  const projects = await db().project.findMany({
    where: { teamId, repositoryPattern: { not: null } },
    select: { id: true, repositoryPattern: true },
  });
  const names = repositoryNames(repository);
  return projects
    .filter((project) => names.some((name) => storedPatternMatcher(project.repositoryPattern!)(name)))
    .map((project) => project.id);
}

/** A condition on Run r (joined with its Project p) that the run is of the repository, at the run's level. */
function ofRepository(repository: GithubRepository, projectIds: string[]): Prisma.Sql {
  const endings = remoteEndings(repository);
  const folder = repository.fullName.split("/").pop()!.toLowerCase();
  return Prisma.sql`CASE
    WHEN ${rRun.repository} IS NOT NULL THEN EXISTS (
      SELECT 1 FROM unnest(${endings}::text[]) AS e(ending) WHERE right(lower(rtrim(${rRun.repository}, '/')), length(e.ending)) = e.ending)
    WHEN ${pProject.repositoryPattern} IS NOT NULL THEN ${rRun.projectId} = ANY(${projectIds}::uuid[])
    ELSE ${rRun.cwd} IS NOT NULL AND position(${`/${folder}/`} IN '/' || lower(replace(${rRun.cwd}, '\\', '/')) || '/') > 0
  END`;
}

export interface MatchedRun extends PullRequestMatch {
  runId: string;
}

/** The team's runs (or only `amongRunIds`) that did the pull request's work, with how each was matched. */
export async function runsOfPullRequest(
  scope: { teamId: string },
  pr: PullRequestRef,
  amongRunIds: string[] | null = null,
): Promise<MatchedRun[]> {
  const head = pr.head ?? pr.base;
  const sameRepository = head.fullName.toLowerCase() === pr.base.fullName.toLowerCase();
  const shas = [pr.headSha, pr.mergeCommitSha]
    .filter((sha): sha is string => !!sha && sha.length >= MIN_SHA_PREFIX)
    .map((sha) => sha.toLowerCase());
  // A deleted fork's branch is nowhere to be found; a same-repository PR's base branch is not its work.
  const branch = pr.head === null || (sameRepository && pr.headRef === pr.baseRef) ? null : pr.headRef;
  const [baseProjects, headProjects] = await Promise.all([
    projectsOfRepository(scope.teamId, pr.base),
    sameRepository ? null : projectsOfRepository(scope.teamId, head),
  ]);
  const inBase = ofRepository(pr.base, baseProjects);
  const inHead = sameRepository ? inBase : ofRepository(head, headProjects!);
  const references = (kind: string, condition: Prisma.Sql) => Prisma.sql`EXISTS (
    SELECT 1 FROM ${ref.$} WHERE ${ref.teamId} = c."teamId" AND ${ref.runId} = c.id AND ${ref.kind} = ${kind} AND ${condition})`;
  return db().$queryRaw<MatchedRun[]>`
    WITH candidates AS (
      SELECT ${rRun.teamId}, ${rRun.id}, ${rRun.gitBranch}, ${rRun.startedAt},
        CASE WHEN ${rRun.repository} IS NOT NULL THEN 'remote' WHEN ${pProject.repositoryPattern} IS NOT NULL THEN 'project' ELSE 'folder' END AS "repositoryMatch",
        (${inBase}) AS "inBase", (${inHead}) AS "inHead"
      FROM ${rRun.$} LEFT JOIN ${pProject.$} ON ${pProject.teamId} = ${rRun.teamId} AND ${pProject.id} = ${rRun.projectId}
      WHERE ${rRun.teamId} = ${scope.teamId}::uuid AND (${amongRunIds}::uuid[] IS NULL OR ${rRun.id} = ANY(${amongRunIds}::uuid[]))
    ), selected AS (
      SELECT c.id, c."startedAt", c."repositoryMatch", CASE
        WHEN ${references("pr-url", Prisma.sql`${ref.value} = ${pr.htmlUrl}`)} THEN 'pr-url'
        WHEN ${references(
          "commit",
          Prisma.sql`length(${ref.value}) >= ${MIN_SHA_PREFIX} AND EXISTS (
          SELECT 1 FROM unnest(${shas}::text[]) AS sha(value) WHERE starts_with(sha.value, lower(${ref.value})) OR starts_with(lower(${ref.value}), sha.value))`,
        )} THEN 'commit'
        WHEN c."inHead" AND (c."gitBranch" = ${branch} OR ${references("branch", Prisma.sql`${ref.value} = ${branch}`)}) THEN 'branch'
      END AS "matchedBy"
      FROM candidates c WHERE c."inBase" OR c."inHead"
    )
    SELECT ${RunTable.id}::text AS "runId", "matchedBy", "repositoryMatch" FROM selected WHERE "matchedBy" IS NOT NULL ORDER BY ${RunTable.startedAt}, ${RunTable.id}`;
}
