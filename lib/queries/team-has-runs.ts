import { teamDb } from "@/lib/db/team-db";

/**
 * Whether the team has any data yet: pages show how to get started until it does. Read on the
 * primary (teamDb), not the replica: right after the first upload the pages must not say "no data".
 */
export async function teamHasRuns(scope: { teamId: string }): Promise<boolean> {
  return (await teamDb(scope).run.findFirst({ select: { id: true } })) !== null;
}
