import type { ReactNode } from "react";
import { may } from "@/lib/auth/policy";
import type { Scope } from "@/lib/auth/scope";
import { requestOrigin } from "@/lib/http/origin";
import { teamHasRuns } from "@/lib/queries/team-has-runs";
import { GetStarted } from "./get-started";

/** Renders the page's content once the team has data, and the get-started steps until then. */
export async function GetStartedIfEmpty({ scope, children }: { scope: Scope; children: ReactNode }) {
  if (await teamHasRuns(scope)) return <>{children}</>;
  return <GetStarted origin={await requestOrigin()} canManageKeys={may(scope, "keys:manage")} />;
}
