/** Re-pricing history on the embedded database (lib/testing/reprice-suite.ts). */
import { describe } from "vitest";
import { useEmbeddedDatabase } from "@/lib/testing/embedded-database";
import { repricingTests } from "@/lib/testing/reprice-suite";

useEmbeddedDatabase("reprice-embedded");

describe("re-pricing history (embedded database)", () => repricingTests());
