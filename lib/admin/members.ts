/**
 * Teams, users and memberships: used by first start, `trh admin create-user` and the Members page.
 * Each member is also a Person in the team (the one discovery found for their email, when there
 * is one), so spend can be owned by them.
 */
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { db } from "@/lib/db/client";
import { Role } from "@/lib/generated/prisma/enums";
import type { Role as RoleType } from "@/lib/generated/prisma/enums";
import { hashPassword, minPasswordLength } from "@/lib/auth/password";
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

/**
 * Adds a user to a team with a role, creating the team and the user when they do not exist yet.
 * An existing user keeps their password and gains the membership.
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
    const membership = await tx.membership.findUnique({ where: { teamId_userId: { teamId, userId: user.id } } });
    if (membership) throw new MemberExistsError(`${member.email} is already a member of this team`);
    await tx.membership.create({ data: { teamId, userId: user.id, role: member.role } });
    await linkAccountPerson(tx, teamId, { id: user.id, email: member.email, name: member.name ?? user.name });
    await tx.auditLog.create({
      data: {
        teamId,
        actorUserId,
        action: "member.add",
        entityType: "Membership",
        entityId: user.id,
        after: { email: member.email, role: member.role },
      },
    });
    return { userId: user.id, created: !existing };
  });
}

/** First start: when nobody exists yet, the first team and its admin (CONTRACT.md). */
export async function bootstrapFirstAdmin(env: Record<string, string | undefined> = process.env): Promise<
  { email: string; team: string; generatedPassword: string | null } | null
> {
  if ((await db().user.count()) > 0) return null;
  const team = await ensureTeam(env.TRH_TEAM?.trim() || "default");
  const email = env.TRH_ADMIN_EMAIL?.trim() || "admin@example.com";
  const generatedPassword = env.TRH_ADMIN_PASSWORD ? null : randomBytes(12).toString("base64url");
  await addMember(team.id, { email, password: env.TRH_ADMIN_PASSWORD ?? generatedPassword!, role: "ADMIN" });
  return { email, team: team.slug, generatedPassword };
}

export class LastAdminError extends Error {}

/** Changes a member's role; a team always keeps at least one admin. */
export async function changeRole(scope: { teamId: string }, userId: string, role: RoleType, actorUserId: string): Promise<void> {
  await db().$transaction(async (tx) => {
    const membership = await tx.membership.findUnique({ where: { teamId_userId: { teamId: scope.teamId, userId } } });
    if (!membership || membership.role === role) return;
    if (membership.role === Role.ADMIN) {
      const admins = await tx.membership.count({ where: { teamId: scope.teamId, role: Role.ADMIN } });
      if (admins <= 1) throw new LastAdminError("a team needs at least one admin");
    }
    await tx.membership.update({ where: { teamId_userId: { teamId: scope.teamId, userId } }, data: { role } });
    await tx.auditLog.create({
      data: { teamId: scope.teamId, actorUserId, action: "member.role", entityType: "Membership", entityId: userId, before: { role: membership.role }, after: { role } },
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
