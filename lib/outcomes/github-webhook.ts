/**
 * GitHub `pull_request` webhooks per team (`POST /api/v1/webhooks/github/{teamSlug}`): a closed
 * and merged pull request marks the runs behind it ACCEPTED, closed unmerged REJECTED, and a
 * reopened one returns them to PROPOSED. Which runs: lib/outcomes/pull-request-runs.ts.
 *
 * The body is trusted only after its X-Hub-Signature-256 (HMAC-SHA256 of the raw bytes with the
 * team's secret) matches; anything else is refused before a single row is written for it. Each
 * delivery (X-GitHub-Delivery) is applied once: a replay changes nothing. A run whose latest
 * decision a person made is left alone (personSources in record-outcome.ts). A decision that
 * matches no run yet waits for the runs' traces (pending-pull-requests.ts).
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { db } from "@/lib/db/client";
import { table } from "@/lib/db/tables";
import type { OutcomeStatus } from "@/lib/generated/prisma/enums";
import { badRequest, unauthorized } from "@/lib/http/errors";
import { refreshOutcomeFindings } from "@/lib/waste/recompute";
import { keepPending, recordPullRequestDecision } from "./pending-pull-requests";
import { type MatchedRun, type PullRequestRef, runsOfPullRequest } from "./pull-request-runs";

const GithubDelivery = table("GithubDelivery");
const PendingPullRequest = table("PendingPullRequest");

/** GitHub caps webhook payloads at 25 MB; a body past that is not GitHub's. */
export const MAX_WEBHOOK_BODY_BYTES = 25 * 1024 * 1024;

export function githubSignature(secret: string, body: Uint8Array): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

/** What a signature header looks like; anything else is refused before the body is read. */
const SIGNATURE_SHAPE = /^sha256=[0-9a-f]{64}$/i;

/** One answer for "no such team", "no secret set" and "wrong signature": nothing to probe. */
const refusedDelivery = () =>
  unauthorized("the X-Hub-Signature-256 signature does not match this team's webhook secret");

/**
 * The team a delivery to this slug is for, with its secret; throws 401 when there is none, the
 * team has no secret, or the signature header cannot be one: all before a byte of the body is read.
 */
export async function webhookTeam(teamSlug: string, signature: string | null): Promise<{ id: string; secret: string }> {
  if (!signature || !SIGNATURE_SHAPE.test(signature.trim())) throw refusedDelivery();
  // A slug no team can have (a NUL byte, an essay) is not worth a query.
  if (teamSlug.length > 200 || teamSlug.includes("\u0000")) throw refusedDelivery();
  const team = await db().team.findUnique({
    where: { slug: teamSlug },
    select: { id: true, githubWebhookSecret: true },
  });
  if (!team?.githubWebhookSecret) throw refusedDelivery();
  return { id: team.id, secret: team.githubWebhookSecret };
}

export function githubSignatureMatches(secret: string, body: Uint8Array, header: string | null): boolean {
  if (!header) return false;
  const expected = Buffer.from(githubSignature(secret, body));
  const given = Buffer.from(header.trim());
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Payload text, bounded and without NUL bytes (Postgres text cannot hold them). */
const text = (max: number) =>
  z
    .string()
    .max(max)
    .refine((value) => !value.includes("\u0000"));

const repository = z.object({ full_name: text(300).pipe(z.string().min(3)), html_url: text(2000) });

const pullRequestEvent = z.object({
  action: text(100),
  repository,
  pull_request: z.object({
    number: z.number().int(),
    html_url: text(2000),
    merged: z.boolean().nullish(),
    merge_commit_sha: text(100).nullish(),
    head: z.object({ ref: text(500), sha: text(100), repo: repository.nullish() }),
    base: z.object({ ref: text(500) }),
  }),
});

/** The decision each used action makes; other actions change nothing. */
const statusOfAction: Record<string, (merged: boolean) => OutcomeStatus> = {
  closed: (merged) => (merged ? "ACCEPTED" : "REJECTED"),
  reopened: () => "PROPOSED",
};

/** What the webhook answers, for GitHub's delivery log. */
export type GithubWebhookResult =
  | { handled: false; reason: string }
  | {
      handled: true;
      /** false when this delivery was applied before: nothing changed this time. */
      applied: boolean;
      status: OutcomeStatus;
      pullRequest: string;
      /** Runs the PR matched, with how. */
      matchedRuns: MatchedRun[];
      /** The ones whose outcome this delivery set (a person's decision is never overridden). */
      decidedRuns: string[];
    };

/** A delivery id as GitHub sends it (a GUID); bounded so nobody stores essays in it. */
const deliveryIdSchema = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[\w-]+$/);

/**
 * Verifies, then applies one delivery to the team (from webhookTeam). Throws 401 (and changes
 * nothing) on a bad signature; 400 on a pull_request delivery without a usable delivery id.
 */
export async function handleGithubWebhook(
  team: { id: string; secret: string },
  headers: { event: string | null; deliveryId: string | null; signature: string | null },
  body: Uint8Array,
): Promise<GithubWebhookResult> {
  if (!githubSignatureMatches(team.secret, body, headers.signature)) throw refusedDelivery();
  if (headers.event !== "pull_request")
    return { handled: false, reason: `event ${headers.event ?? "(none)"} is not used` };
  const parsed = pullRequestEvent.safeParse(parseJson(body));
  if (!parsed.success) return { handled: false, reason: "not a pull_request payload" };
  const decide = statusOfAction[parsed.data.action];
  if (!decide) return { handled: false, reason: `action ${parsed.data.action} is not used` };
  const deliveryId = deliveryIdSchema.safeParse(headers.deliveryId);
  if (!deliveryId.success) throw badRequest("X-GitHub-Delivery must be the delivery's id");

  const { pull_request: pr, repository: base } = parsed.data;
  const status = decide(pr.merged ?? false);
  const pullRequest = `${base.full_name}#${pr.number}`;
  const reference: PullRequestRef = {
    htmlUrl: pr.html_url,
    headRef: pr.head.ref,
    headSha: pr.head.sha,
    mergeCommitSha: pr.merge_commit_sha ?? null,
    baseRef: pr.base.ref,
    base: { fullName: base.full_name, htmlUrl: base.html_url },
    head: pr.head.repo ? { fullName: pr.head.repo.full_name, htmlUrl: pr.head.repo.html_url } : null,
  };
  const matchedRuns = await runsOfPullRequest({ teamId: team.id }, reference);
  const decision = { deliveryId: deliveryId.data, pullRequest, status, reference };
  const decided = await db().$transaction(async (tx) => {
    // The delivery is remembered in the same transaction as its decisions: applied once, or not at all.
    const [fresh] = await tx.$queryRaw<{ deliveryId: string }[]>`
      INSERT INTO ${GithubDelivery.$} (${GithubDelivery.teamId}, ${GithubDelivery.deliveryId}) VALUES (${team.id}::uuid, ${deliveryId.data})
      ON CONFLICT DO NOTHING RETURNING ${GithubDelivery.deliveryId}`;
    if (!fresh) return null;
    // This delivery is the pull request's latest word: an earlier one still waiting for runs is void.
    await tx.$executeRaw`
      DELETE FROM ${PendingPullRequest.$} WHERE ${PendingPullRequest.teamId} = ${team.id}::uuid AND ${PendingPullRequest.pullRequest} = ${pullRequest}`;
    if (matchedRuns.length === 0) {
      await keepPending(tx, team.id, decision);
      return [];
    }
    return recordPullRequestDecision(tx, team.id, decision, matchedRuns);
  });
  const decidedRuns = decided?.map((outcome) => outcome.runId) ?? [];
  await refreshOutcomeFindings(team.id, decidedRuns);
  return { handled: true, applied: decided !== null, status, pullRequest, matchedRuns, decidedRuns };
}

function parseJson(body: Uint8Array): unknown {
  try {
    return JSON.parse(Buffer.from(body).toString("utf8"));
  } catch {
    return null;
  }
}
