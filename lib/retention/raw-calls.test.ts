/** Raw-call retention on Postgres (the same checks run on the embedded database in raw-calls-embedded.test.ts). */
import { afterAll, beforeAll } from "vitest";
import type { Scope } from "@/lib/auth/scope";
import { closeDb } from "@/lib/db/client";
import { createTestTeam, userScope } from "@/lib/testing/fixtures";
import { describeRetention } from "@/lib/testing/retention-check";

let scope: Scope;
beforeAll(async () => {
  scope = userScope(await createTestTeam("retention"));
});
afterAll(closeDb);

describeRetention(() => scope);
