import type { Metadata } from "next";
import { PageHead } from "@/components/page-head";
import { pageScope } from "@/lib/auth/scope";
import { requestOrigin } from "@/lib/http/origin";
import { hasGithubWebhookSecret } from "@/lib/outcomes/webhook-secret";
import { RotateSecretForm } from "./rotate-secret-form";

export const metadata: Metadata = { title: "GitHub webhook" };

export default async function WebhooksPage() {
  const scope = await pageScope("members:manage");
  const hasSecret = await hasGithubWebhookSecret(scope);
  const url = `${await requestOrigin()}/api/v1/webhooks/github/${encodeURIComponent(scope.teamSlug)}`;
  return (
    <>
      <PageHead title="GitHub webhook" subtitle="Merged pull requests mark the runs behind them accepted; closed unmerged ones, rejected." />
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
          Runs are matched by the pull request&apos;s head branch (the run&apos;s branch, or a branch it pushed), by its head or merge commit (a commit
          the run made), or by its URL seen in the run&apos;s tool output. Deliveries with a missing or wrong signature are refused and change nothing.
        </p>
      </section>
      <section className="panel">
        <h2>2. Secret</h2>
        <p data-testid="webhook-secret-state">{hasSecret ? "A secret is set. Only its holder can send deliveries." : "No secret yet: deliveries are refused until one is set."}</p>
        <RotateSecretForm hasSecret={hasSecret} />
      </section>
    </>
  );
}
