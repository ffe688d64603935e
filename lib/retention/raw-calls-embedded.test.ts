/** Raw-call retention on the embedded database (PGlite): the same checks as on Postgres. */
import { beforeAll } from "vitest";
import type { Scope } from "@/lib/auth/scope";
import { withEmbeddedDatabase } from "@/lib/testing/embedded-database";
import { createTestTeam, userScope } from "@/lib/testing/fixtures";
import { describeRetention } from "@/lib/testing/retention-check";

withEmbeddedDatabase("retention");
let scope: Scope;
beforeAll(async () => {
  scope = userScope(await createTestTeam("retention"));
});

describeRetention(() => scope);
