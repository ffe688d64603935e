import { may } from "@/lib/auth/policy";
import type { Scope } from "@/lib/auth/scope";
import { teamDb } from "@/lib/db/team-db";
import { requestOrigin } from "@/lib/http/origin";

/** Whether the team has any data yet: pages show how to get started until it does. */
export async function teamHasRuns(scope: { teamId: string }): Promise<boolean> {
  return (await teamDb(scope).run.findFirst({ select: { id: true } })) !== null;
}

export interface GetStartedSteps {
  /** This server's address, for the commands shown. */
  origin: string;
  canManageKeys: boolean;
}

/** What the get-started steps show, or null once the team has runs (the page shows its content). */
export async function getStartedSteps(scope: Scope): Promise<GetStartedSteps | null> {
  if (await teamHasRuns(scope)) return null;
  return { origin: await requestOrigin(), canManageKeys: may(scope, "keys:manage") };
}
