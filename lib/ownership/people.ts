/**
 * People are accounts' shadows: every member of a team is a person from the moment they join.
 * Joining links the person discovery already made for their email (telemetry, an earlier upload),
 * so history seen before the invitation is theirs at once.
 */
import { lockTeamWrites } from "@/lib/db/team-lock";
import type { Prisma } from "@/lib/generated/prisma/client";
import { attributeRunsInTransaction, loadAttributionContext } from "./reattribute";

type Tx = Prisma.TransactionClient;

/**
 * The member's person in the team: theirs already, else the unclaimed person with their email,
 * else a new one. Identities naming their email that nobody else claimed become theirs
 * ("account"), and the runs of those identities are re-attributed in the same transaction.
 */
export async function linkAccountPerson(
  tx: Tx,
  teamId: string,
  user: { id: string; email: string; name?: string | null },
): Promise<string> {
  await lockTeamWrites(tx, teamId);
  const email = user.email.toLowerCase();
  const own = await tx.person.findUnique({
    where: { teamId_userId: { teamId, userId: user.id } },
    select: { id: true },
  });
  const unclaimed = own
    ? null
    : await tx.person.findFirst({
        where: { teamId, userId: null, email: { equals: email, mode: "insensitive" } },
        orderBy: { createdAt: "asc" },
        select: { id: true },
      });
  const personId =
    own?.id ??
    (unclaimed
      ? (
          await tx.person.update({
            where: { teamId_id: { teamId, id: unclaimed.id } },
            data: { userId: user.id },
            select: { id: true },
          })
        ).id
      : (
          await tx.person.create({
            data: { teamId, userId: user.id, displayName: user.name || email, email },
            select: { id: true },
          })
        ).id);
  const identities = await tx.identity.findMany({
    where: {
      teamId,
      kind: { in: ["email", "uploader"] },
      value: email,
      OR: [
        { personId: null, personSetBy: null },
        { personId, personSetBy: "discovery" },
      ],
    },
    select: { id: true },
  });
  if (identities.length > 0) {
    const ids = identities.map((identity) => identity.id);
    await tx.identity.updateMany({ where: { teamId, id: { in: ids } }, data: { personId, personSetBy: "account" } });
    const runs = await tx.run.findMany({ where: { teamId, identityId: { in: ids } }, select: { id: true } });
    if (runs.length > 0)
      await attributeRunsInTransaction(
        tx,
        teamId,
        runs.map((run) => run.id),
        await loadAttributionContext(tx, teamId),
      );
  }
  return personId;
}
