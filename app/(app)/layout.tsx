import Link from "next/link";
import type { ReactNode } from "react";
import { Providers } from "@/components/providers";
import { Nav } from "@/components/shell/nav";
import { TeamSwitcher } from "@/components/shell/team-switcher";
import { listMyInvitations } from "@/lib/admin/members";
import { maySeeEveryonesSpend } from "@/lib/auth/policy";
import { pageScope } from "@/lib/auth/scope";
import { signOutAction } from "@/lib/auth/session-actions";

export default async function AppLayout({ children }: { children: ReactNode }) {
  const scope = await pageScope();
  const invitations = await listMyInvitations(scope.actor.userId);
  return (
    <div className="shell">
      <aside className="sidebar">
        <div className="brand">
          Token Robin Hood
          <small>{scope.teamName}</small>
        </div>
        <Nav readAll={maySeeEveryonesSpend(scope)} />
        <div className="sidebar-foot">
          <TeamSwitcher teams={scope.teams} current={scope.teamId} />
          {invitations.length > 0 ? (
            <Link href="/invitations" data-testid="invitations-link">
              Invitations waiting: {invitations.length}
            </Link>
          ) : null}
          <span data-testid="signed-in-as">
            {scope.actor.email} · <span className="badge">{scope.actor.role.toLowerCase()}</span>
          </span>
          <form action={signOutAction}>
            <button type="submit" className="link-button">
              Sign out
            </button>
          </form>
        </div>
      </aside>
      <main className="main">
        <Providers>{children}</Providers>
      </main>
    </div>
  );
}
