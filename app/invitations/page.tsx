import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { acceptInvitationAction, declineInvitationAction } from "@/lib/admin/invitation-actions";
import { listMyInvitations } from "@/lib/admin/members";
import { sessionUserId } from "@/lib/auth/scope";
import { signOutAction } from "@/lib/auth/session-actions";

export const metadata: Metadata = { title: "Invitations" };

/** Outside the app's shell: a user whose only way in is an invitation has no team to show yet. */
export default async function InvitationsPage() {
  const userId = await sessionUserId();
  if (!userId) redirect("/signin?callbackUrl=%2Finvitations");
  const invitations = await listMyInvitations(userId);
  return (
    <main className="auth-page">
      <div className="auth-card" data-testid="invitations">
        <h1>Invitations</h1>
        {invitations.length === 0 ? (
          <p className="muted">No invitation is waiting for you. An admin of a team can invite you.</p>
        ) : null}
        {invitations.map((invitation) => (
          <div key={invitation.id} className="invitation" data-testid="invitation">
            <p>
              Join <strong>{invitation.team.name}</strong> as {invitation.role.toLowerCase()}?
            </p>
            <div className="inline">
              <form action={acceptInvitationAction}>
                <input type="hidden" name="invitationId" value={invitation.id} />
                <button type="submit">Accept</button>
              </form>
              <form action={declineInvitationAction}>
                <input type="hidden" name="invitationId" value={invitation.id} />
                <button type="submit" className="secondary">
                  Decline
                </button>
              </form>
            </div>
          </div>
        ))}
        <p>
          <Link href="/">Back to the overview</Link>
        </p>
        <form action={signOutAction}>
          <button type="submit" className="link-button">
            Sign out
          </button>
        </form>
      </div>
    </main>
  );
}
