import type { ReactNode } from "react";
import type { GetStartedSteps } from "@/lib/queries/team-has-runs";
import { GetStarted } from "./get-started";

/** Renders the page's content once the team has data (`steps` null), and the get-started steps until then. */
export function GetStartedIfEmpty({ steps, children }: { steps: GetStartedSteps | null; children: ReactNode }) {
  if (steps === null) return <>{children}</>;
  return <GetStarted origin={steps.origin} canManageKeys={steps.canManageKeys} />;
}
