/**
 * Teams, users, memberships and invitations: used by first start, `trh admin create-user`, the
 * Members page and the invited user's Invitations page. Each member is also a Person in the team
 * (the one discovery found for their email, when there is one), so spend can be owned by them.
 * An admin of a team can create new accounts, but another existing account joins only by
 * accepting an invitation.
 */
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { hashPassword, minPasswordLength } from "@/lib/auth/password";
import { db } from "@/lib/db/client";
import type { Role as RoleType } from "@/lib/generated/prisma/enums";
import { Role } from "@/lib/generated/prisma/enums";
import { linkAccountPerson } from "@/lib/ownership/people";

export const teamSlugSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "a team slug is lower-case letters, digits and dashes");

export const roleSchema = z
  .string()
  .trim()
  .toUpperCase()
  .pipe(z.enum([Role.ADMIN, Role.MANAGER, Role.MEMBER]));

export const newMemberSchema = z.object({
  email: z.string().trim().toLowerCase().email("a valid email address").max(320),
  password: z.string().min(minPasswordLength, `a password of at least ${minPasswordLength} characters`).max(1024),
  role: roleSchema,
  name: z.string().trim().max(200).optional(),
});

export class MemberExistsError extends Error {}

export async function ensureTeam(slug: string) {
  const parsed = teamSlugSchema.parse(slug);
  return db().team.upsert({ where: { slug: parsed }, update: {}, create: { slug: parsed, name: parsed } });
}

type Tx = Parameters<Parameters<ReturnType<typeof db>["$transaction"]>[0]>[0];

/** The membership, the member's Person (so spend can be owned by them) and the audit entry. */
async function grantMembership(
  tx: Tx,
  teamId: string,
  user: { id: string; email: string; name: string | null },
  role: RoleType,
  actorUserId: string | null,
  action: "member.add" | "member.join",
): Promise<void> {
  const membership = await tx.membership.findUnique({ where: { teamId_userId: { teamId, userId: user.id } } });
  if (membership) throw new MemberExistsError(`${user.email} is already a member of this team`);
  await tx.membership.create({ data: { teamId, userId: user.id, role } });
  await linkAccountPerson(tx, teamId, user);
  await tx.auditLog.create({
    data: {
      teamId,
      actorUserId,
      action,
      entityType: "Membership",
      entityId: user.id,
      after: { email: user.email, role },
    },
  });
}

/**
 * Adds a user to a team with a role, creating the team and the user when they do not exist yet.
 * An existing user keeps their password and gains the membership without being asked: only for
 * the server's own tools (first start, `trh admin create-user`), whose operator owns every
 * account. The Members page goes through `addOrInviteMember`.
 */
export async function addMember(
  teamId: string,
  input: z.input<typeof newMemberSchema>,
  actorUserId: string | null = null,
): Promise<{ userId: string; created: boolean }> {
  const member = newMemberSchema.parse(input);
  const passwordHash = await hashPassword(member.password);
  return db().$transaction(async (tx) => {
    const existing = await tx.user.findUnique({ where: { email: member.email } });
    const user = existing ?? (await tx.user.create({ data: { email: member.email, name: member.name, passwordHash } }));
    await grantMembership(tx, teamId, user, member.role, actorUserId, "member.add");
    return { userId: user.id, created: !existing };
  });
}

/** The Members page's form: the password is needed only when the email has no account yet. */
export const memberFormSchema = newMemberSchema.extend({
  password: newMemberSchema.shape.password.optional(),
});

export class PasswordNeededError extends Error {}

/**
 * The Members page: an unknown email becomes a new account with the password the admin chose and
 * the role; an existing account (someone else's, perhaps of another team) only receives an
 * invitation, which grants nothing until its owner accepts it after signing in.
 */
export async function addOrInviteMember(
  scope: { teamId: string },
  input: z.input<typeof memberFormSchema>,
  actorUserId: string,
): Promise<{ outcome: "created" | "invited"; email: string }> {
  const member = memberFormSchema.parse(input);
  const existing = await db().user.findUnique({ where: { email: member.email } });
  if (!existing) {
    if (!member.password)
      throw new PasswordNeededError(`${member.email} has no account yet: enter an initial password for it`);
    await addMember(scope.teamId, { ...member, password: member.password }, actorUserId);
    return { outcome: "created", email: member.email };
  }
  await db().$transaction(async (tx) => {
    const membership = await tx.membership.findUnique({
      where: { teamId_userId: { teamId: scope.teamId, userId: existing.id } },
    });
    if (membership) throw new MemberExistsError(`${member.email} is already a member of this team`);
    await tx.invitation.upsert({
      where: { teamId_userId: { teamId: scope.teamId, userId: existing.id } },
      update: { role: member.role, invitedByUserId: actorUserId },
      create: { teamId: scope.teamId, userId: existing.id, role: member.role, invitedByUserId: actorUserId },
    });
    await tx.auditLog.create({
      data: {
        teamId: scope.teamId,
        actorUserId,
        action: "member.invite",
        entityType: "Invitation",
        entityId: existing.id,
        after: { email: member.email, role: member.role },
      },
    });
  });
  return { outcome: "invited", email: member.email };
}

/** A team's invitations not yet answered, for its Members page. */
export async function listTeamInvitations(scope: { teamId: string }) {
  return db().invitation.findMany({
    where: { teamId: scope.teamId },
    include: { user: { select: { email: true } } },
    orderBy: { createdAt: "asc" },
  });
}

/** An admin withdraws an invitation of their own team. */
export async function cancelInvitation(
  scope: { teamId: string },
  invitationId: string,
  actorUserId: string,
): Promise<void> {
  await db().$transaction(async (tx) => {
    const deleted = await tx.invitation.deleteMany({ where: { id: invitationId, teamId: scope.teamId } });
    if (deleted.count === 0) return;
    await tx.auditLog.create({
      data: {
        teamId: scope.teamId,
        actorUserId,
        action: "member.invite-cancel",
        entityType: "Invitation",
        entityId: invitationId,
      },
    });
  });
}

/** Invitations waiting for this user's answer, with the team they lead to. */
export async function listMyInvitations(userId: string) {
  return db().invitation.findMany({
    where: { userId },
    include: { team: { select: { name: true, slug: true } } },
    orderBy: { createdAt: "asc" },
  });
}

export class InvitationNotFoundError extends Error {}

/** The invited user accepts: the membership with the offered role, then the invitation is gone. */
export async function acceptInvitation(userId: string, invitationId: string): Promise<{ teamId: string }> {
  return db().$transaction(async (tx) => {
    const invitation = await tx.invitation.findFirst({ where: { id: invitationId, userId }, include: { user: true } });
    if (!invitation) throw new InvitationNotFoundError("that invitation does not exist or was withdrawn");
    await tx.invitation.delete({ where: { id: invitation.id } });
    await grantMembership(tx, invitation.teamId, invitation.user, invitation.role, userId, "member.join");
    return { teamId: invitation.teamId };
  });
}

/** The invited user declines: the invitation is gone and the team learns of it in its audit log. */
export async function declineInvitation(userId: string, invitationId: string): Promise<void> {
  await db().$transaction(async (tx) => {
    const invitation = await tx.invitation.findFirst({ where: { id: invitationId, userId } });
    if (!invitation) return;
    await tx.invitation.delete({ where: { id: invitation.id } });
    await tx.auditLog.create({
      data: {
        teamId: invitation.teamId,
        actorUserId: userId,
        action: "member.decline",
        entityType: "Invitation",
        entityId: userId,
      },
    });
  });
}

/** First start: when nobody exists yet, the first team and its admin (docs/CONTRACT.md). */
export async function bootstrapFirstAdmin(
  env: Record<string, string | undefined> = process.env,
): Promise<{ email: string; team: string; generatedPassword: string | null } | null> {
  if ((await db().user.count()) > 0) return null;
  const team = await ensureTeam(env.TRH_TEAM?.trim() || "default");
  const email = env.TRH_ADMIN_EMAIL?.trim() || "admin@example.com";
  const generatedPassword = env.TRH_ADMIN_PASSWORD ? null : randomBytes(12).toString("base64url");
  await addMember(team.id, { email, password: env.TRH_ADMIN_PASSWORD ?? generatedPassword!, role: "ADMIN" });
  return { email, team: team.slug, generatedPassword };
}

export class LastAdminError extends Error {}

/** Changes a member's role; a team always keeps at least one admin. */
export async function changeRole(
  scope: { teamId: string },
  userId: string,
  role: RoleType,
  actorUserId: string,
): Promise<void> {
  await db().$transaction(async (tx) => {
    const membership = await tx.membership.findUnique({ where: { teamId_userId: { teamId: scope.teamId, userId } } });
    if (!membership || membership.role === role) return;
    if (membership.role === Role.ADMIN) {
      const admins = await tx.membership.count({ where: { teamId: scope.teamId, role: Role.ADMIN } });
      if (admins <= 1) throw new LastAdminError("a team needs at least one admin");
    }
    await tx.membership.update({ where: { teamId_userId: { teamId: scope.teamId, userId } }, data: { role } });
    await tx.auditLog.create({
      data: {
        teamId: scope.teamId,
        actorUserId,
        action: "member.role",
        entityType: "Membership",
        entityId: userId,
        before: { role: membership.role },
        after: { role },
      },
    });
  });
}

export async function listMembers(scope: { teamId: string }) {
  return db().membership.findMany({
    where: { teamId: scope.teamId },
    include: { user: { select: { email: true, name: true } } },
    orderBy: { createdAt: "asc" },
  });
}
