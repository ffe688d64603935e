/**
 * GitHub `pull_request` webhooks per team (`POST /api/v1/webhooks/github/{teamSlug}`): a closed
 * and merged pull request marks the runs behind it ACCEPTED, closed unmerged REJECTED. The body is
 * trusted only after its X-Hub-Signature-256 (HMAC-SHA256 of the raw bytes with the team's secret)
 * matches; anything else is refused before a single row is read or written for it.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { db } from "@/lib/db/client";
import { unauthorized } from "@/lib/http/errors";
import { recordOutcomes } from "./record-outcome";

export function githubSignature(secret: string, body: Uint8Array): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

export function githubSignatureMatches(secret: string, body: Uint8Array, header: string | null): boolean {
  if (!header) return false;
  const expected = Buffer.from(githubSignature(secret, body));
  const given = Buffer.from(header.trim());
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const pullRequestEvent = z.object({
  action: z.string(),
  pull_request: z.object({
    html_url: z.string().max(2000),
    merged: z.boolean().nullish(),
    merge_commit_sha: z.string().max(100).nullish(),
    head: z.object({ ref: z.string().max(500), sha: z.string().max(100) }),
    base: z.object({ ref: z.string().max(500) }),
  }),
});

export type GithubWebhookResult =
  | { handled: false; reason: string }
  | { handled: true; status: "ACCEPTED" | "REJECTED"; pullRequest: string; matchedRuns: string[] };

/** The shortest commit prefix matched: git's own abbreviation length. */
const MIN_SHA_PREFIX = 7;

/**
 * Runs a pull request came from: the head branch (the run's own branch or one it pushed), a head or
 * merge commit the run made (either side may be abbreviated), or the PR's URL seen in its output.
 * The base branch never matches: every run on main is not this PR's work.
 */
export async function runsOfPullRequest(scope: { teamId: string }, pr: z.output<typeof pullRequestEvent>["pull_request"]): Promise<string[]> {
  const shas = [pr.head.sha, pr.merge_commit_sha].filter((sha): sha is string => !!sha && sha.length >= MIN_SHA_PREFIX).map((sha) => sha.toLowerCase());
  const branch = pr.head.ref === pr.base.ref ? null : pr.head.ref;
  const rows = await db().$queryRaw<{ id: string }[]>`
    SELECT r.id::text AS id FROM "Run" r
    WHERE r."teamId" = ${scope.teamId}::uuid AND (
      r."gitBranch" = ${branch}
      OR r.id IN (
        SELECT ref."runId" FROM "RunReference" ref
        WHERE ref."teamId" = ${scope.teamId}::uuid AND (
          (ref.kind = 'branch' AND ref.value = ${branch})
          OR (ref.kind = 'pr-url' AND ref.value = ${pr.html_url})
          OR (ref.kind = 'commit' AND length(ref.value) >= ${MIN_SHA_PREFIX} AND EXISTS (
            SELECT 1 FROM unnest(${shas}::text[]) AS sha(value)
            WHERE starts_with(sha.value, lower(ref.value)) OR starts_with(lower(ref.value), sha.value)))
        )))
    ORDER BY r."startedAt"`;
  return rows.map((row) => row.id);
}

/** Verifies, then applies one delivery. Throws 401 (and changes nothing) on an unknown team or a bad signature. */
export async function handleGithubWebhook(teamSlug: string, event: string | null, body: Uint8Array, signature: string | null): Promise<GithubWebhookResult> {
  const team = await db().team.findUnique({ where: { slug: teamSlug } });
  // One answer for "no such team", "no secret set" and "wrong signature": nothing to probe.
  if (!team?.githubWebhookSecret || !githubSignatureMatches(team.githubWebhookSecret, body, signature)) {
    throw unauthorized("the X-Hub-Signature-256 signature does not match this team's webhook secret");
  }
  if (event !== "pull_request") return { handled: false, reason: `event ${event ?? "(none)"} is not used` };
  const parsed = pullRequestEvent.safeParse(parseJson(Buffer.from(body).toString("utf8")));
  if (!parsed.success) return { handled: false, reason: "not a pull_request payload" };
  if (parsed.data.action !== "closed") return { handled: false, reason: `action ${parsed.data.action} is not used` };
  const pr = parsed.data.pull_request;
  const status = pr.merged ? "ACCEPTED" : "REJECTED";
  const matchedRuns = await runsOfPullRequest({ teamId: team.id }, pr);
  await recordOutcomes({ teamId: team.id }, { runIds: matchedRuns, status, source: "github", evidence: pr.html_url }, { userId: null, apiKeyId: null });
  return { handled: true, status, pullRequest: pr.html_url, matchedRuns };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
