/**
 * The admin the browser tests sign in as, and the teams e2e/seed.ts gives them: one team per
 * spec that ingests data, so the specs never see each other's runs whatever order they run in.
 */
export const e2eAdmin = { team: "e2e", email: "admin@e2e.example.com", password: "e2e-admin-password" };

export const e2eTeams = [
  "e2e",
  "e2e-upload",
  "e2e-ownership",
  "e2e-dashboards",
  "e2e-waste",
  "e2e-isolation-a",
  "e2e-isolation-b",
  "e2e-abuse-webhook",
  "e2e-abuse-input",
  "e2e-abuse-records",
  "e2e-abuse-auth",
  "e2e-abuse-auth-invite",
  "e2e-discovery",
  "e2e-discovery-member",
  "e2e-budgets",
  "e2e-abuse-budgets",
  "e2e-context",
  "e2e-billing",
  "e2e-abuse-billing",
  "e2e-workflows",
  "e2e-agents",
  "e2e-long-run",
  "e2e-screens",
  "e2e-live",
  "e2e-prices",
  "e2e-retention",
  "e2e-pages-runs",
  "e2e-cohorts",
  "e2e-activity",
] as const;

/** A member (not an admin) of e2e-discovery-member, who uploads their own traces. */
export const e2eMember = {
  team: "e2e-discovery-member",
  email: "carla@acme.example.com",
  password: "e2e-member-password",
  name: "Carla Diaz",
} as const;
/** A member of e2e-pages-runs, who makes their own push key (e2e/pages-runs.spec.ts). */
export const e2ePushMember = {
  team: "e2e-pages-runs",
  email: "dana@pages.example.com",
  password: "e2e-dana-password",
  name: "Dana Ruiz",
} as const;
export type E2eTeam = (typeof e2eTeams)[number];
