/** Monthly partitions of Call and ToolCall on the embedded database (PGlite, Postgres 17). */
import { withEmbeddedDatabase } from "@/lib/testing/embedded-database";
import { describePartitions } from "@/lib/testing/partitions-suite";

withEmbeddedDatabase("partitions");
describePartitions();
