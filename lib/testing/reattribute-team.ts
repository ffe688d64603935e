/**
 * Tests: re-applies the current rules and links to all of a team's history, as every change that
 * re-attributes (a rule, a merge, discovery settings) does for the runs it touches.
 */
import { db } from "@/lib/db/client";
import { lockTeamWrites } from "@/lib/db/team-lock";
import { attributeRunsInTransaction, loadAttributionContext } from "@/lib/ownership/reattribute";

export async function reattributeTeam(teamId: string): Promise<string[]> {
  return db().$transaction(
    async (tx) => {
      await lockTeamWrites(tx, teamId);
      return attributeRunsInTransaction(tx, teamId, null, await loadAttributionContext(tx, teamId));
    },
    { timeout: 300_000, maxWait: 60_000 },
  );
}
