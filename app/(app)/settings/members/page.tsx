import type { Metadata } from "next";
import { AddMemberForm } from "@/components/admin/add-member-form";
import { PageHead } from "@/components/page-head";
import { cancelInvitationAction, changeRoleAction } from "@/lib/admin/member-actions";
import { listMembers, listTeamInvitations } from "@/lib/admin/members";
import { pageScope } from "@/lib/auth/scope";

export const metadata: Metadata = { title: "Members" };

export default async function MembersPage({ searchParams }: { searchParams: Promise<{ error?: string }> }) {
  const scope = await pageScope("members:manage");
  const [members, invitations] = await Promise.all([listMembers(scope), listTeamInvitations(scope)]);
  const { error } = await searchParams;
  return (
    <>
      <PageHead title="Members" subtitle="Who can sign in to this team, and what they may do." />
      <section className="panel">
        <h2>Add a member</h2>
        <p className="muted">
          A new email gets an account with the password you choose. Someone who already has an account is invited
          instead and joins only when they accept.
        </p>
        <AddMemberForm />
      </section>
      {invitations.length > 0 ? (
        <section className="panel">
          <h2>Invited, not yet accepted</h2>
          <table data-testid="pending-invitations">
            <thead>
              <tr>
                <th>Email</th>
                <th>Role offered</th>
                <th>Since</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {invitations.map((invitation) => (
                <tr key={invitation.id}>
                  <td>{invitation.user.email}</td>
                  <td>{invitation.role.toLowerCase()}</td>
                  <td>{invitation.createdAt.toISOString().slice(0, 10)}</td>
                  <td>
                    <form action={cancelInvitationAction}>
                      <input type="hidden" name="invitationId" value={invitation.id} />
                      <button type="submit" className="secondary">
                        Withdraw
                      </button>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
      <section className="panel">
        {error === "last-admin" ? (
          <div className="notice error">A team needs at least one admin: make someone else admin first.</div>
        ) : null}
        <table data-testid="members">
          <thead>
            <tr>
              <th>Email</th>
              <th>Role</th>
              <th>Since</th>
            </tr>
          </thead>
          <tbody>
            {members.map((member) => (
              <tr key={member.userId}>
                <td>{member.user.email}</td>
                <td>
                  <form action={changeRoleAction} className="inline">
                    <input type="hidden" name="userId" value={member.userId} />
                    <select name="role" defaultValue={member.role} aria-label={`Role of ${member.user.email}`}>
                      <option value="MEMBER">member</option>
                      <option value="MANAGER">manager</option>
                      <option value="ADMIN">admin</option>
                    </select>
                    <button type="submit" className="secondary">
                      Save
                    </button>
                  </form>
                </td>
                <td>{member.createdAt.toISOString().slice(0, 10)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}
