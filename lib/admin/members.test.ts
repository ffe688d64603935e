/**
 * Membership consent on Postgres: an admin creates new accounts, but another team's existing user
 * only gets an invitation, which grants nothing until that user accepts it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, db } from "@/lib/db/client";
import { createTestTeam, type TestTeam } from "@/lib/testing/fixtures";
import {
  acceptInvitation,
  addOrInviteMember,
  cancelInvitation,
  declineInvitation,
  InvitationNotFoundError,
  listMyInvitations,
  listTeamInvitations,
  MemberExistsError,
  PasswordNeededError,
} from "./members";

let teamA: TestTeam;
let teamB: TestTeam;
const bAdminEmail = () => `admin@${teamB.slug}.example.com`;

async function roleIn(team: TestTeam, userId: string) {
  return (
    (await db().membership.findUnique({ where: { teamId_userId: { teamId: team.teamId, userId } } }))?.role ?? null
  );
}

beforeAll(async () => {
  [teamA, teamB] = await Promise.all([createTestTeam("members-a"), createTestTeam("members-b")]);
});

afterAll(async () => {
  await closeDb();
});

describe("adding members", () => {
  it("creates a new account with the admin's password and role", async () => {
    const email = `new-${teamA.slug}@example.com`;
    await expect(
      addOrInviteMember({ teamId: teamA.teamId }, { email, role: "MEMBER" }, teamA.adminUserId),
    ).rejects.toThrow(PasswordNeededError);
    expect(
      await addOrInviteMember(
        { teamId: teamA.teamId },
        { email, password: "a long password", role: "MANAGER" },
        teamA.adminUserId,
      ),
    ).toEqual({
      outcome: "created",
      email,
    });
    const user = await db().user.findUniqueOrThrow({ where: { email } });
    expect(await roleIn(teamA, user.id)).toBe("MANAGER");
    await expect(
      addOrInviteMember({ teamId: teamA.teamId }, { email, role: "ADMIN" }, teamA.adminUserId),
    ).rejects.toThrow(MemberExistsError);
  });

  it("only invites another team's existing user: no role until accepted, and their password stays theirs", async () => {
    const before = await db().user.findUniqueOrThrow({ where: { email: bAdminEmail() } });
    const result = await addOrInviteMember(
      { teamId: teamA.teamId },
      { email: bAdminEmail(), password: "attacker chosen", role: "ADMIN" },
      teamA.adminUserId,
    );
    expect(result.outcome).toBe("invited");
    expect(await roleIn(teamA, teamB.adminUserId)).toBeNull();
    expect((await db().user.findUniqueOrThrow({ where: { email: bAdminEmail() } })).passwordHash).toBe(
      before.passwordHash,
    );
    expect((await listTeamInvitations({ teamId: teamA.teamId })).map((i) => [i.user.email, i.role])).toEqual([
      [bAdminEmail(), "ADMIN"],
    ]);

    const [invitation] = await listMyInvitations(teamB.adminUserId);
    expect(invitation?.team.slug).toBe(teamA.slug);
    // Nobody else can accept it for them.
    await expect(acceptInvitation(teamA.adminUserId, invitation!.id)).rejects.toThrow(InvitationNotFoundError);
    expect(await acceptInvitation(teamB.adminUserId, invitation!.id)).toEqual({ teamId: teamA.teamId });
    expect(await roleIn(teamA, teamB.adminUserId)).toBe("ADMIN");
    expect(await listMyInvitations(teamB.adminUserId)).toEqual([]);
    const audit = await db().auditLog.findMany({
      where: { teamId: teamA.teamId, action: { in: ["member.invite", "member.join"] } },
      orderBy: { id: "asc" },
    });
    expect(audit.map((entry) => entry.action)).toEqual(["member.invite", "member.join"]);
  });

  it("lets the invited user decline, and the admin withdraw, leaving no membership", async () => {
    const aAdminEmail = `admin@${teamA.slug}.example.com`;
    await addOrInviteMember({ teamId: teamB.teamId }, { email: aAdminEmail, role: "MEMBER" }, teamB.adminUserId);
    const [invitation] = await listMyInvitations(teamA.adminUserId);
    await declineInvitation(teamA.adminUserId, invitation!.id);
    expect(await listTeamInvitations({ teamId: teamB.teamId })).toEqual([]);
    expect(await roleIn(teamB, teamA.adminUserId)).toBeNull();

    await addOrInviteMember({ teamId: teamB.teamId }, { email: aAdminEmail, role: "MEMBER" }, teamB.adminUserId);
    const [again] = await listTeamInvitations({ teamId: teamB.teamId });
    // Another team's admin cannot withdraw it.
    await cancelInvitation({ teamId: teamA.teamId }, again!.id, teamA.adminUserId);
    expect(await listMyInvitations(teamA.adminUserId)).toHaveLength(1);
    await cancelInvitation({ teamId: teamB.teamId }, again!.id, teamB.adminUserId);
    expect(await listMyInvitations(teamA.adminUserId)).toEqual([]);
    await expect(acceptInvitation(teamA.adminUserId, again!.id)).rejects.toThrow(InvitationNotFoundError);
    expect(await roleIn(teamB, teamA.adminUserId)).toBeNull();
  });
});
