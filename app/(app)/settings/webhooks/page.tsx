import type { Metadata } from "next";
import { RotateSecretForm } from "@/components/outcomes/rotate-secret-form";
import { PageHead } from "@/components/page-head";
import { pageScope } from "@/lib/auth/scope";
import { requestOrigin } from "@/lib/http/origin";
import { hasGithubWebhookSecret } from "@/lib/outcomes/webhook-secret";

export const metadata: Metadata = { title: "GitHub webhook" };

export default async function WebhooksPage() {
  const scope = await pageScope("settings:manage");
  const hasSecret = await hasGithubWebhookSecret(scope);
  const url = `${await requestOrigin()}/api/v1/webhooks/github/${encodeURIComponent(scope.teamSlug)}`;
  return (
    <>
      <PageHead
        title="GitHub webhook"
        subtitle="Merged pull requests mark the runs behind them accepted; closed unmerged ones, rejected; reopened ones, proposed."
      />
      <section className="panel">
        <h2>1. Add a webhook to your repository or organization</h2>
        <p className="muted small">Payload URL</p>
        <code className="url-box" data-testid="webhook-url">
          {url}
        </code>
        <p>
          Content type <code>application/json</code>, events: <strong>Pull requests</strong>.
        </p>
        <p className="muted">
          A pull request&apos;s runs are those of its repository: known by the run&apos;s git remote when the trace
          carries one, else by its project&apos;s repository pattern, else (weakest) by a folder of its working
          directory named like the repository. Among them, the PR&apos;s URL seen in the run&apos;s output, a head or
          merge commit the run made, or the head branch (the run&apos;s branch, or one it pushed; for a fork, the
          fork&apos;s) selects the runs. Closed and merged: accepted; closed unmerged: rejected; reopened: proposed
          again. Each run shows which PR decided it and how it was matched.
        </p>
        <p className="muted">
          Deliveries with a missing or wrong signature are refused and change nothing; the same delivery twice changes
          nothing the second time; a decision a person made (on the run page or through the outcomes API) is never
          changed by a webhook.
        </p>
      </section>
      <section className="panel">
        <h2>2. Secret</h2>
        <p data-testid="webhook-secret-state">
          {hasSecret
            ? "A secret is set. Only its holder can send deliveries."
            : "No secret yet: deliveries are refused until one is set."}
        </p>
        <RotateSecretForm hasSecret={hasSecret} />
        <p className="muted small">
          By script: <code>PUT /api/v1/webhooks/github</code> with <code>{'{"secret": "..."}'}</code> and a key of scope{" "}
          <code>all</code> sets it (204).
        </p>
      </section>
    </>
  );
}
