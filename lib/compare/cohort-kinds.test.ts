/** Cohorts by tag, instruction-file version, saved filter and date boundary on Postgres (lib/testing/cohort-kinds-suite.ts). */
import { afterAll } from "vitest";
import { closeDb } from "@/lib/db/client";
import { cohortKindsSuite } from "@/lib/testing/cohort-kinds-suite";

afterAll(closeDb);
cohortKindsSuite("pg");
