/** Claude Code activity as a weak signal of outcomes on the embedded database (lib/testing/activity-signal-suite.ts). */

import { activitySignalSuite } from "@/lib/testing/activity-signal-suite";
import { withEmbeddedDatabase } from "@/lib/testing/embedded-database";

withEmbeddedDatabase("activity-signal");
activitySignalSuite("embedded");
