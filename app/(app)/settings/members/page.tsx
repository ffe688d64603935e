import type { Metadata } from "next";
import { PageHead } from "@/components/page-head";
import { listMembers } from "@/lib/admin/members";
import { pageScope } from "@/lib/auth/scope";
import { changeRoleAction } from "./actions";
import { AddMemberForm } from "./add-member-form";

export const metadata: Metadata = { title: "Members" };

export default async function MembersPage({ searchParams }: { searchParams: Promise<{ error?: string }> }) {
  const scope = await pageScope("members:manage");
  const members = await listMembers(scope);
  const { error } = await searchParams;
  return (
    <>
      <PageHead title="Members" subtitle="Who can sign in to this team, and what they may do." />
      <section className="panel">
        <h2>Add a member</h2>
        <AddMemberForm />
      </section>
      <section className="panel">
        {error === "last-admin" ? <div className="notice error">A team needs at least one admin: make someone else admin first.</div> : null}
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
