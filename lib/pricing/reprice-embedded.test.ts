/** Re-pricing history on the embedded database (lib/testing/reprice-suite.ts). */
import { describe } from "vitest";
import { withEmbeddedDatabase } from "@/lib/testing/embedded-database";
import { repricingTests } from "@/lib/testing/reprice-suite";

withEmbeddedDatabase("reprice-embedded");

describe("re-pricing history (embedded database)", () => repricingTests());
