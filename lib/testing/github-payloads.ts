/**
 * Real GitHub `pull_request` webhook payloads for tests: the community examples GitHub's own
 * tooling publishes (npm `@octokit/webhooks-examples`, from github.com/octokit/webhooks,
 * payload-examples/api.github.com/pull_request: Codertocat/Hello-World PR #2, head branch
 * `changes`). They hold a "closed" (unmerged) and a "reopened" delivery but no merged and no fork
 * PR, so those two are the real "closed" payload with only the fields GitHub changes for them
 * altered: `merged`/`merged_at` for a merge; for a fork, `head.repo` (the fork, as GitHub sends a
 * repository: the base repository object with the fork's owner and names) and `head.label`.
 */
import { createHmac, randomUUID } from "node:crypto";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

// The package's JSON holds every event's examples; loaded once.
const examples = require("@octokit/webhooks-examples/api.github.com/index.json") as {
  name: string;
  examples: Record<string, unknown>[];
}[];

/** A payload as JSON: its shape is GitHub's, read and edited field by field here. */
// biome-ignore lint/suspicious/noExplicitAny: GitHub's payload JSON, edited by path in tests; declaring its whole type buys nothing here
type Payload = Record<string, any>;

function example(action: string): Payload {
  const found = examples
    .find((event) => event.name === "pull_request")!
    .examples.find((payload) => payload.action === action);
  if (!found) throw new Error(`@octokit/webhooks-examples has no pull_request ${action} example`);
  return structuredClone(found) as Payload;
}

/** Codertocat/Hello-World PR #2 closed without merging (the real example). */
export const closedPullRequest = (): Payload => example("closed");

/** Codertocat/Hello-World PR #2 reopened (the real example). */
export const reopenedPullRequest = (): Payload => example("reopened");

/** The real "closed" example as GitHub sends it when the PR was merged. */
export function mergedPullRequest(): Payload {
  const payload = example("closed");
  payload.pull_request.merged = true;
  payload.pull_request.merged_at = payload.pull_request.closed_at;
  return payload;
}

/** The real "closed" example as a PR from `forkOwner`'s fork (its branch `changes`), merged. */
export function mergedForkPullRequest(forkOwner: string): Payload {
  const payload = mergedPullRequest();
  const base = payload.repository;
  const fork = JSON.parse(
    JSON.stringify(base).replaceAll("Codertocat/Hello-World", `${forkOwner}/Hello-World`),
  ) as Payload;
  fork.id = base.id + 1;
  fork.fork = true;
  fork.owner = { ...base.owner, login: forkOwner, id: base.owner.id + 1 };
  payload.pull_request.head.repo = fork;
  payload.pull_request.head.label = `${forkOwner}:${payload.pull_request.head.ref}`;
  return payload;
}

/** The headers GitHub sends with a delivery, signed with `secret`. */
export function deliveryHeaders(
  body: string,
  secret: string,
  deliveryId: string = randomUUID(),
): Record<string, string> {
  return {
    "content-type": "application/json",
    "x-github-event": "pull_request",
    "x-github-delivery": deliveryId,
    "x-hub-signature-256": `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`,
  };
}
