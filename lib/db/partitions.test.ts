/** Monthly partitions of Call and ToolCall on Postgres (the same checks on the embedded database in partitions-embedded.test.ts). */
import { withFreshPostgresDatabase } from "@/lib/testing/fresh-postgres";
import { describePartitions } from "@/lib/testing/partitions-suite";

withFreshPostgresDatabase("partitions");
describePartitions();
