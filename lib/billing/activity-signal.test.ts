/** Claude Code activity as a weak signal of outcomes on Postgres (lib/testing/activity-signal-suite.ts). */
import { afterAll } from "vitest";
import { closeDb } from "@/lib/db/client";
import { activitySignalSuite } from "@/lib/testing/activity-signal-suite";

afterAll(closeDb);
activitySignalSuite("pg");
