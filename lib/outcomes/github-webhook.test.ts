/**
 * The GitHub webhook on Postgres with real payloads (lib/testing/github-payloads.ts): a PR's
 * outcome lands on its own repository's runs (remote, project, folder), selected by branch, commit
 * or PR URL; the same branch name in another repository is untouched; a fork's PR lands on the
 * fork's runs; deliveries apply once; a person's decision stands; reopening returns runs to
 * proposed; and `PUT /api/v1/webhooks/github` sets the secret.
 */
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as postOutcome } from "@/app/api/v1/outcomes/route";
import { GET as getRun } from "@/app/api/v1/runs/[id]/route";
import { POST as postWebhook } from "@/app/api/v1/webhooks/github/[teamSlug]/route";
import { PUT as putSecret } from "@/app/api/v1/webhooks/github/route";
import { createApiKey } from "@/lib/admin/api-keys";
import { closeDb } from "@/lib/db/client";
import { teamDb } from "@/lib/db/team-db";
import { ingestFile } from "@/lib/ingest/ingest-file";
import { assignRuns, createProject, updateDiscoverySettings } from "@/lib/ownership/manage";
import { createTestTeam, type TestTeam, userScope } from "@/lib/testing/fixtures";
import {
  closedPullRequest,
  deliveryHeaders,
  mergedForkPullRequest,
  mergedPullRequest,
  reopenedPullRequest,
} from "@/lib/testing/github-payloads";
import { githubSignature } from "./github-webhook";
import { rotateGithubWebhookSecret } from "./webhook-secret";

afterAll(closeDb);

/** One call of a Codex session whose session_meta names its git remote and branch. */
function codexSession(session: string, remote: string, branch: string): string {
  const at = "2026-11-02T10:00:00.000Z";
  const usage = {
    input_tokens: 1000,
    cached_input_tokens: 0,
    output_tokens: 100,
    reasoning_output_tokens: 0,
    total_tokens: 1100,
  };
  return [
    {
      timestamp: at,
      type: "session_meta",
      payload: {
        id: session,
        timestamp: at,
        cwd: `/home/ana/src/${session}`,
        cli_version: "0.50.0",
        git: { branch, repository_url: remote },
      },
    },
    { timestamp: at, type: "turn_context", payload: { model: "gpt-5", cwd: `/home/ana/src/${session}` } },
    {
      timestamp: at,
      type: "event_msg",
      payload: { type: "token_count", info: { total_token_usage: usage, last_token_usage: usage } },
    },
  ]
    .map((line) => JSON.stringify(line))
    .join("\n");
}

/** One call of a native session with only a working directory and a branch (no remote). */
function nativeSession(session: string, cwd: string, branch: string): string {
  return JSON.stringify({
    sessionId: session,
    callKey: `${session}:1`,
    timestamp: "2026-11-02T11:00:00.000Z",
    model: "claude-sonnet-4-5-20250929",
    inputTokens: 1000,
    outputTokens: 100,
    cwd,
    gitBranch: branch,
  });
}

async function ingest(team: TestTeam, format: "codex" | "native", text: string): Promise<void> {
  const result = await ingestFile(userScope(team), {
    format,
    fileName: `${Math.random()}.jsonl`,
    body: { bytes: Readable.from([Buffer.from(text)]), gzip: false },
  });
  expect(result.errors).toEqual([]);
}

async function runIdsBySession(team: TestTeam): Promise<Record<string, string>> {
  const runs = await teamDb(userScope(team)).run.findMany();
  return Object.fromEntries(runs.map((run) => [run.externalId, run.id]));
}

async function deliver(
  team: TestTeam,
  payload: unknown,
  secret: string,
  deliveryId?: string,
  headers: Record<string, string> = {},
) {
  const body = JSON.stringify(payload);
  const request = new Request(`http://test/api/v1/webhooks/github/${team.slug}`, {
    method: "POST",
    headers: { ...deliveryHeaders(body, secret, deliveryId), ...headers },
    body,
  });
  return postWebhook(request, { params: Promise.resolve({ teamSlug: team.slug }) });
}

const outcomeOf = async (team: TestTeam, runId: string) =>
  (await teamDb(userScope(team)).run.findFirstOrThrow({ where: { id: runId } })).outcome;
const outcomeRows = (team: TestTeam) =>
  teamDb(userScope(team)).outcome.findMany({ orderBy: [{ decidedAt: "asc" }, { id: "asc" }] });

describe("a pull request's runs are those of its repository", () => {
  let team: TestTeam;
  let secret: string;
  let runs: Record<string, string>;

  beforeAll(async () => {
    team = await createTestTeam("webhook-repos");
    // Projects made by hand below; discovery (lib/ownership) would name them from the data first.
    await updateDiscoverySettings(userScope(team), {
      discoverOwners: false,
      discoverProjects: false,
      discoverTasks: false,
    });
    secret = await rotateGithubWebhookSecret(userScope(team), team.adminUserId);
    // Branch `changes` (the PR's head branch) in many places, only some of them Hello-World.
    await ingest(team, "codex", codexSession("by-remote", "git@github.com:Codertocat/Hello-World.git", "changes"));
    await ingest(team, "codex", codexSession("other-remote", "https://github.com/acme/other.git", "changes"));
    await ingest(team, "native", nativeSession("by-folder", "/home/ana/src/Hello-World", "changes"));
    await ingest(team, "native", nativeSession("other-folder", "/home/ana/src/other-app", "changes"));
    await ingest(team, "native", nativeSession("in-subfolder", "/home/dan/src/hello-world/packages/web", "changes"));
    await ingest(team, "native", nativeSession("similar-folder", "/home/dan/src/Hello-World-old", "changes"));
    await ingest(team, "native", nativeSession("by-project", "/home/bob/work/checkout", "feature-x"));
    await ingest(team, "native", nativeSession("other-project", "/home/bob/work/Hello-World", "changes"));
    await ingest(team, "native", nativeSession("on-base", "/home/cy/Hello-World", "master"));
    runs = await runIdsBySession(team);
    const scope = userScope(team);
    const helloWorld = await createProject(scope, {
      name: "hello-world",
      repositoryPattern: "github.com/Codertocat/Hello-World*",
    });
    const other = await createProject(scope, { name: "other", repositoryPattern: "github.com/acme/other*" });
    await assignRuns(scope, { runIds: [runs["by-project"]!], projectId: helloWorld.id });
    // Its project says acme/other, so its folder name no longer counts.
    await assignRuns(scope, { runIds: [runs["other-project"]!], projectId: other.id });
    // by-project made the PR's head commit (abbreviated as git prints it).
    await teamDb(scope).runReference.create({
      data: { teamId: team.teamId, runId: runs["by-project"]!, kind: "commit", value: "ec26c3e", seenAt: new Date() },
    });
  });

  it("refuses a missing or wrong signature, a changed body and an unknown team with 401, changing nothing", async () => {
    const payload = closedPullRequest();
    const body = JSON.stringify(payload);
    for (const signature of [
      "",
      `sha256=${"0".repeat(64)}`,
      githubSignature("another secret", Buffer.from(body)),
      "garbage",
    ]) {
      const response = await deliver(team, payload, secret, undefined, { "x-hub-signature-256": signature });
      expect(response.status).toBe(401);
      expect((await response.json()).error.code).toBe("unauthorized");
    }
    const changed = new Request(`http://test/api/v1/webhooks/github/${team.slug}`, {
      method: "POST",
      headers: deliveryHeaders(body, secret),
      body: body.replace('"closed"', '"reopened"'),
    });
    expect((await postWebhook(changed, { params: Promise.resolve({ teamSlug: team.slug }) })).status).toBe(401);
    for (const slug of ["no-such-team", "nul\u0000team"]) {
      const unknown = new Request("http://test/api/v1/webhooks/github/x", {
        method: "POST",
        headers: deliveryHeaders(body, secret),
        body,
      });
      expect((await postWebhook(unknown, { params: Promise.resolve({ teamSlug: slug }) })).status).toBe(401);
    }
    expect(await outcomeRows(team)).toEqual([]);
  });

  it("marks a closed PR's runs rejected: by remote, project and folder; never the same branch in other repositories", async () => {
    const response = await deliver(team, closedPullRequest(), secret, "delivery-closed");
    expect(response.status).toBe(200);
    const result = await response.json();
    expect(result).toMatchObject({
      handled: true,
      applied: true,
      status: "REJECTED",
      pullRequest: "Codertocat/Hello-World#2",
    });
    expect(new Map(result.matchedRuns.map((run: { runId: string }) => [run.runId, run]))).toEqual(
      new Map([
        [runs["by-remote"], { runId: runs["by-remote"], matchedBy: "branch", repositoryMatch: "remote" }],
        [runs["by-folder"], { runId: runs["by-folder"], matchedBy: "branch", repositoryMatch: "folder" }],
        [runs["in-subfolder"], { runId: runs["in-subfolder"], matchedBy: "branch", repositoryMatch: "folder" }],
        [runs["by-project"], { runId: runs["by-project"], matchedBy: "commit", repositoryMatch: "project" }],
      ]),
    );
    for (const session of ["other-remote", "other-folder", "similar-folder", "other-project", "on-base"])
      expect(await outcomeOf(team, runs[session]!)).toBeNull();
    expect(await outcomeOf(team, runs["by-remote"]!)).toBe("REJECTED");

    // The match and its strength are on the run, in the API and as a sentence.
    const run = await getRun(
      new Request(`http://test/api/v1/runs/${runs["by-remote"]}`, {
        headers: { authorization: `Bearer ${team.readKey}` },
      }),
      { params: Promise.resolve({ id: runs["by-remote"]! }) },
    );
    const { outcome } = await run.json();
    expect(outcome).toMatchObject({
      status: "REJECTED",
      source: "github",
      pullRequest: "Codertocat/Hello-World#2",
      matchedBy: "branch",
      repositoryMatch: "remote",
    });
    expect(outcome.explanation).toBe(
      "rejected: PR #2 of Codertocat/Hello-World, matched by branch within the repository (the run's git remote is that repository)",
    );
  });

  it("applies a delivery once: the same X-GitHub-Delivery again changes nothing", async () => {
    const before = await outcomeRows(team);
    const again = await (await deliver(team, closedPullRequest(), secret, "delivery-closed")).json();
    expect(again).toMatchObject({ handled: true, applied: false, decidedRuns: [] });
    expect(await outcomeRows(team)).toEqual(before);
  });

  it("keeps a person's decision against later deliveries; reopening returns the other runs to proposed", async () => {
    const byApi = await postOutcome(
      new Request("http://test/api/v1/outcomes", {
        method: "POST",
        headers: { authorization: `Bearer ${team.ingestKey}`, "content-type": "application/json" },
        body: JSON.stringify({ runId: runs["by-remote"], status: "ACCEPTED", evidence: "checked by hand" }),
      }),
      {},
    );
    expect(byApi.status).toBe(201);

    const reopened = await (await deliver(team, reopenedPullRequest(), secret)).json();
    expect(reopened).toMatchObject({ applied: true, status: "PROPOSED" });
    expect(new Set(reopened.decidedRuns)).toEqual(
      new Set([runs["by-folder"], runs["in-subfolder"], runs["by-project"]]),
    );
    expect(await outcomeOf(team, runs["by-folder"]!)).toBe("PROPOSED");
    expect(await outcomeOf(team, runs["by-remote"]!)).toBe("ACCEPTED");

    // The old "closed" delivery replayed, and a new "closed" one: the person's acceptance stands.
    await deliver(team, closedPullRequest(), secret, "delivery-closed");
    const closedAgain = await (await deliver(team, closedPullRequest(), secret)).json();
    expect(closedAgain).toMatchObject({ applied: true, status: "REJECTED" });
    expect(closedAgain.decidedRuns).not.toContain(runs["by-remote"]);
    expect(await outcomeOf(team, runs["by-remote"]!)).toBe("ACCEPTED");
    expect(await outcomeOf(team, runs["by-folder"]!)).toBe("REJECTED");

    const merged = await (await deliver(team, mergedPullRequest(), secret)).json();
    expect(merged).toMatchObject({ applied: true, status: "ACCEPTED" });
    expect(await outcomeOf(team, runs["by-folder"]!)).toBe("ACCEPTED");
    const latest = await teamDb(userScope(team)).outcome.findFirstOrThrow({
      where: { runId: runs["by-remote"]! },
      orderBy: { decidedAt: "desc" },
    });
    expect(latest).toMatchObject({ source: "api", evidence: "checked by hand" });
  });

  it("refuses a pull_request delivery without a delivery id", async () => {
    const response = await deliver(team, mergedPullRequest(), secret, undefined, { "x-github-delivery": "" });
    expect(response.status).toBe(400);
  });

  it("refuses a body without a plausible signature before reading it (401), and one past GitHub's 25 MB cap (413)", async () => {
    let pulled = 0;
    const endless = () =>
      new ReadableStream<Uint8Array>({
        pull(controller) {
          pulled += 1;
          controller.enqueue(new Uint8Array(1024 * 1024).fill(0x20));
        },
      });
    const post = (headers: Record<string, string>) =>
      postWebhook(
        new Request(`http://test/api/v1/webhooks/github/${team.slug}`, {
          method: "POST",
          headers,
          body: endless(),
          duplex: "half",
        } as RequestInit),
        {
          params: Promise.resolve({ teamSlug: team.slug }),
        },
      );
    const unsigned = await post({ "x-github-event": "pull_request", "x-github-delivery": "big-1" });
    expect(unsigned.status).toBe(401);
    // A stream's source may be asked for a first chunk when the request is built; never the body.
    expect(pulled).toBeLessThanOrEqual(2);
    pulled = 0;
    const oversized = await post({
      "x-github-event": "pull_request",
      "x-github-delivery": "big-2",
      "x-hub-signature-256": `sha256=${"0".repeat(64)}`,
    });
    expect(oversized.status).toBe(413);
    expect(pulled).toBeLessThanOrEqual(27);
  });

  it("ignores actions that decide nothing", async () => {
    const opened = closedPullRequest();
    opened.action = "labeled";
    expect(await (await deliver(team, opened, secret)).json()).toMatchObject({ handled: false });
  });
});

describe("a fork's pull request", () => {
  it("lands on the fork's runs on its branch, not on the base repository's runs with the same branch name", async () => {
    const team = await createTestTeam("webhook-fork");
    const secret = await rotateGithubWebhookSecret(userScope(team), team.adminUserId);
    await ingest(team, "codex", codexSession("in-fork", "https://github.com/octo-fork/Hello-World.git", "changes"));
    await ingest(team, "codex", codexSession("in-base", "https://github.com/Codertocat/Hello-World.git", "changes"));
    const runs = await runIdsBySession(team);
    const result = await (await deliver(team, mergedForkPullRequest("octo-fork"), secret)).json();
    expect(result.matchedRuns).toEqual([{ runId: runs["in-fork"], matchedBy: "branch", repositoryMatch: "remote" }]);
    expect(await outcomeOf(team, runs["in-fork"]!)).toBe("ACCEPTED");
    expect(await outcomeOf(team, runs["in-base"]!)).toBeNull();
  });
});

describe("PUT /api/v1/webhooks/github", () => {
  it("sets the secret with a key of scope all (204); read and ingest keys are refused", async () => {
    const team = await createTestTeam("webhook-put");
    const { key: allKey } = await createApiKey({ teamId: team.teamId }, { name: "all", scope: "all" });
    const put = (key: string, body: unknown) =>
      putSecret(
        new Request("http://test/api/v1/webhooks/github", {
          method: "PUT",
          headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
          body: JSON.stringify(body),
        }),
        {},
      );
    expect((await put(team.readKey, { secret: "s3cret-for-scripts" })).status).toBe(403);
    expect((await put(team.ingestKey, { secret: "s3cret-for-scripts" })).status).toBe(403);
    expect((await put(allKey, { secret: "" })).status).toBe(400);
    expect((await put(allKey, { secret: "a\u0000b" })).status).toBe(400);
    const response = await put(allKey, { secret: "s3cret-for-scripts" });
    expect(response.status).toBe(204);
    expect(await response.text()).toBe("");
    // Deliveries signed with it are accepted now.
    expect((await deliver(team, closedPullRequest(), "s3cret-for-scripts")).status).toBe(200);
    expect((await deliver(team, closedPullRequest(), "another")).status).toBe(401);
  });
});

describe("a pull request decided before its runs arrive", () => {
  let team: TestTeam;
  let secret: string;

  beforeAll(async () => {
    team = await createTestTeam("webhook-early");
    secret = await rotateGithubWebhookSecret(userScope(team), team.adminUserId);
  });

  const pendingRows = (t: TestTeam) => teamDb(userScope(t)).pendingPullRequest.findMany();

  it("waits for the runs: a merge delivered first lands on the runs when their traces come", async () => {
    // Another team's run of the same repository and branch must not take this team's decision.
    const otherTeam = await createTestTeam("webhook-early-other");
    const merged = await (await deliver(team, mergedPullRequest(), secret, "early-merge")).json();
    expect(merged).toMatchObject({ handled: true, applied: true, status: "ACCEPTED", matchedRuns: [] });
    expect(await pendingRows(team)).toHaveLength(1);

    await ingest(otherTeam, "codex", codexSession("elsewhere", "git@github.com:Codertocat/Hello-World.git", "changes"));
    await ingest(team, "codex", codexSession("unrelated", "https://github.com/acme/other.git", "changes"));
    expect(await pendingRows(team)).toHaveLength(1);
    await ingest(team, "codex", codexSession("late", "git@github.com:Codertocat/Hello-World.git", "changes"));

    const runs = await runIdsBySession(team);
    expect(await outcomeOf(team, runs.late!)).toBe("ACCEPTED");
    expect(await outcomeOf(team, runs.unrelated!)).toBeNull();
    expect((await runIdsBySession(otherTeam)).elsewhere).toBeDefined();
    expect(await outcomeOf(otherTeam, (await runIdsBySession(otherTeam)).elsewhere!)).toBeNull();
    const [row] = (await outcomeRows(team)).filter((outcome) => outcome.runId === runs.late);
    expect(row).toMatchObject({
      source: "github",
      pullRequest: "Codertocat/Hello-World#2",
      deliveryId: "early-merge",
      matchedBy: "branch",
      repositoryMatch: "remote",
    });
    // Matched once: it no longer waits, and a re-import of the same traces changes nothing.
    expect(await pendingRows(team)).toEqual([]);
    await ingest(team, "codex", codexSession("late", "git@github.com:Codertocat/Hello-World.git", "changes"));
    expect((await outcomeRows(team)).filter((outcome) => outcome.runId === runs.late)).toHaveLength(1);
  });

  it("keeps only the pull request's latest word: a reopen replaces a waiting close", async () => {
    const scoped = await createTestTeam("webhook-early-reopen");
    const scopedSecret = await rotateGithubWebhookSecret(userScope(scoped), scoped.adminUserId);
    await deliver(scoped, closedPullRequest(), scopedSecret, "early-close");
    await deliver(scoped, reopenedPullRequest(), scopedSecret, "early-reopen");
    const waiting = await pendingRows(scoped);
    expect(waiting.map((row) => [row.deliveryId, row.status])).toEqual([["early-reopen", "PROPOSED"]]);
    await ingest(scoped, "codex", codexSession("late", "git@github.com:Codertocat/Hello-World.git", "changes"));
    expect(await outcomeOf(scoped, (await runIdsBySession(scoped)).late!)).toBe("PROPOSED");
  });
});
