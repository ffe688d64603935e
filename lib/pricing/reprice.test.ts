/** Re-pricing history on the real Postgres server (lib/testing/reprice-suite.ts). */
import { afterAll, describe } from "vitest";
import { closeDb } from "@/lib/db/client";
import { repricingTests } from "@/lib/testing/reprice-suite";

afterAll(closeDb);

describe("re-pricing history (Postgres)", () => repricingTests());
