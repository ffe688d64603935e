/** Before the e2e server starts: the admin, a member of every e2e team, and the member of one (see credentials.ts). */
import { addMember, ensureTeam } from "@/lib/admin/members";
import { withDatabase } from "@/lib/cli/database";
import { e2eAdmin, e2eMember, e2ePushMember, e2eTeams } from "./credentials";

await withDatabase(async () => {
  for (const slug of e2eTeams) {
    const team = await ensureTeam(slug);
    await addMember(team.id, { email: e2eAdmin.email, password: e2eAdmin.password, role: "ADMIN" });
    if (slug === e2eMember.team)
      await addMember(team.id, {
        email: e2eMember.email,
        password: e2eMember.password,
        role: "MEMBER",
        name: e2eMember.name,
      });
    if (slug === e2ePushMember.team)
      await addMember(team.id, {
        email: e2ePushMember.email,
        password: e2ePushMember.password,
        role: "MEMBER",
        name: e2ePushMember.name,
      });
  }
});
process.exit(0);
