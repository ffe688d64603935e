import type { Metadata } from "next";
import Link from "next/link";
import { PageHead } from "@/components/page-head";
import { may } from "@/lib/auth/policy";
import { pageScope } from "@/lib/auth/scope";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage() {
  const scope = await pageScope();
  const admin = may(scope, "members:manage");
  return (
    <>
      <PageHead title="Settings" subtitle={`Team ${scope.teamName} (${scope.teamSlug})`} />
      <section className="panel">
        <p>
          You are signed in as <strong>{scope.actor.email}</strong> with the role{" "}
          <span className="badge">{scope.actor.role.toLowerCase()}</span>.
        </p>
        {admin ? (
          <ul>
            <li>
              <Link href="/settings/members">Members</Link>: add people to the team and set their roles.
            </li>
            <li>
              <Link href="/settings/api-keys">API keys</Link>: keys for <code>trh push</code>, telemetry and the read
              API.
            </li>
            <li>
              <Link href="/settings/webhooks">GitHub webhook</Link>: merged pull requests mark their runs accepted.
            </li>
          </ul>
        ) : (
          <p className="muted">Members and API keys are managed by the team&apos;s admins.</p>
        )}
      </section>
    </>
  );
}
