/** Cohorts by tag, instruction-file version, saved filter and date boundary on the embedded database (lib/testing/cohort-kinds-suite.ts). */

import { cohortKindsSuite } from "@/lib/testing/cohort-kinds-suite";
import { withEmbeddedDatabase } from "@/lib/testing/embedded-database";

withEmbeddedDatabase("cohort-kinds");
cohortKindsSuite("embedded");
