-- Call and ToolCall become partitioned by month of "timestamp" (UTC months, one partition each,
-- named "Call_pYYYYMM"), so that retention can drop a whole month at once. Prisma does not model
-- partitions, so this part is written by hand: the schema engine reads a partitioned table as the
-- table schema.prisma describes (a diff of these migrations against schema.prisma is empty, and
-- partitions are made by the app, not here, except for rows already stored). Postgres requires the
-- partition key in every unique key of a partitioned table: the primary keys become (teamId, id,
-- timestamp), and the identities that must stay unique whatever a row's month move to the
-- unpartitioned CallKey and ToolCallKey tables.

-- CreateTable
CREATE TABLE "CallKey" (
    "teamId" UUID NOT NULL,
    "source" TEXT NOT NULL,
    "callKey" TEXT NOT NULL,
    "callId" BIGINT NOT NULL,
    "timestamp" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "CallKey_pkey" PRIMARY KEY ("teamId","source","callKey")
);

-- CreateTable
CREATE TABLE "ToolCallKey" (
    "teamId" UUID NOT NULL,
    "runId" UUID NOT NULL,
    "toolUseId" TEXT NOT NULL,
    "toolCallId" BIGINT NOT NULL,
    "timestamp" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ToolCallKey_pkey" PRIMARY KEY ("teamId","runId","toolUseId")
);

-- The unpartitioned tables step aside (their sequences stay: ids go on from where they are).
ALTER TABLE "Call" RENAME TO "Call_unpartitioned";
ALTER TABLE "Call_unpartitioned" DROP CONSTRAINT "Call_pkey", DROP CONSTRAINT "Call_teamId_fkey";
DROP INDEX "Call_teamId_source_callKey_key";
DROP INDEX "Call_teamId_runId_timestamp_idx";
DROP INDEX "Call_teamId_timestamp_idx";
DROP INDEX "Call_teamId_messageId_idx";
ALTER TABLE "ToolCall" RENAME TO "ToolCall_unpartitioned";
ALTER TABLE "ToolCall_unpartitioned" DROP CONSTRAINT "ToolCall_pkey", DROP CONSTRAINT "ToolCall_teamId_fkey";
DROP INDEX "ToolCall_teamId_runId_toolUseId_key";

-- CreateTable (partitioned)
CREATE TABLE "Call" (
    "teamId" UUID NOT NULL,
    "id" BIGINT NOT NULL DEFAULT nextval('"Call_id_seq"'),
    "runId" UUID NOT NULL,
    "source" TEXT NOT NULL,
    "callKey" TEXT NOT NULL,
    "agentId" TEXT,
    "isSidechain" BOOLEAN NOT NULL DEFAULT false,
    "messageId" TEXT,
    "timestamp" TIMESTAMPTZ(3) NOT NULL,
    "model" TEXT NOT NULL,
    "uncachedInput" INTEGER NOT NULL,
    "cacheRead" INTEGER NOT NULL,
    "cacheWrite5m" INTEGER NOT NULL,
    "cacheWrite1h" INTEGER NOT NULL,
    "output" INTEGER NOT NULL,
    "reasoning" INTEGER NOT NULL,
    "contextTokens" INTEGER NOT NULL,
    "speed" TEXT NOT NULL DEFAULT 'standard',
    "costUsd" DECIMAL(24,12) NOT NULL,
    "priced" BOOLEAN NOT NULL,
    "priceRule" TEXT NOT NULL,
    "priceTier" TEXT,
    "isApiError" BOOLEAN NOT NULL DEFAULT false,
    "requestId" TEXT,
    "stopReason" TEXT,
    "batchId" UUID,

    CONSTRAINT "Call_pkey" PRIMARY KEY ("teamId","id","timestamp")
) PARTITION BY RANGE ("timestamp");
ALTER SEQUENCE "Call_id_seq" OWNED BY "Call"."id";

-- CreateTable (partitioned)
CREATE TABLE "ToolCall" (
    "teamId" UUID NOT NULL,
    "id" BIGINT NOT NULL DEFAULT nextval('"ToolCall_id_seq"'),
    "runId" UUID NOT NULL,
    "callId" BIGINT,
    "toolUseId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "inputBytes" INTEGER NOT NULL DEFAULT 0,
    "summary" TEXT,
    "outputBytes" INTEGER,
    "outputTokens" INTEGER,
    "outputHash" TEXT,
    "outputText" TEXT,
    "isError" BOOLEAN NOT NULL DEFAULT false,
    "timestamp" TIMESTAMPTZ(3) NOT NULL,
    "resultAt" TIMESTAMPTZ(3),

    CONSTRAINT "ToolCall_pkey" PRIMARY KEY ("teamId","id","timestamp")
) PARTITION BY RANGE ("timestamp");
ALTER SEQUENCE "ToolCall_id_seq" OWNED BY "ToolCall"."id";

-- CreateIndex
CREATE INDEX "Call_teamId_runId_timestamp_idx" ON "Call"("teamId", "runId", "timestamp");

-- CreateIndex
CREATE INDEX "Call_teamId_timestamp_idx" ON "Call"("teamId", "timestamp");

-- CreateIndex
CREATE INDEX "Call_teamId_messageId_idx" ON "Call"("teamId", "messageId");

-- CreateIndex
CREATE INDEX "ToolCall_teamId_runId_timestamp_idx" ON "ToolCall"("teamId", "runId", "timestamp");

-- CreateIndex
CREATE INDEX "CallKey_teamId_timestamp_idx" ON "CallKey"("teamId", "timestamp");

-- CreateIndex
CREATE INDEX "ToolCallKey_teamId_timestamp_idx" ON "ToolCallKey"("teamId", "timestamp");

-- AddForeignKey
ALTER TABLE "Call" ADD CONSTRAINT "Call_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ToolCall" ADD CONSTRAINT "ToolCall_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CallKey" ADD CONSTRAINT "CallKey_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ToolCallKey" ADD CONSTRAINT "ToolCallKey_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- A partition for every month that holds a stored row (the server's partition job creates the
-- months ahead, and the ingest writer any other month it meets: lib/db/partitions.ts).
-- The schema engine runs a migration statement by statement, split at every semicolon (even one
-- in a string), so the block's own semicolons are written as the escape \x3B.
DO E'DECLARE month timestamptz\x3B parent text\x3B
BEGIN
  FOR month IN
    SELECT DISTINCT date_trunc(''month'', "timestamp" AT TIME ZONE ''UTC'') AT TIME ZONE ''UTC'' FROM "Call_unpartitioned"
    UNION SELECT DISTINCT date_trunc(''month'', "timestamp" AT TIME ZONE ''UTC'') AT TIME ZONE ''UTC'' FROM "ToolCall_unpartitioned"
  LOOP
    FOREACH parent IN ARRAY ARRAY[''Call'', ''ToolCall''] LOOP
      EXECUTE format(''CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)'',
        parent || ''_p'' || to_char(month AT TIME ZONE ''UTC'', ''YYYYMM''), parent, month, month + interval ''1 month'')\x3B
    END LOOP\x3B
  END LOOP\x3B
END';

INSERT INTO "Call" ("teamId", "id", "runId", "source", "callKey", "agentId", "isSidechain", "messageId", "timestamp", "model",
  "uncachedInput", "cacheRead", "cacheWrite5m", "cacheWrite1h", "output", "reasoning", "contextTokens", "speed", "costUsd", "priced",
  "priceRule", "priceTier", "isApiError", "requestId", "stopReason", "batchId")
SELECT "teamId", "id", "runId", "source", "callKey", "agentId", "isSidechain", "messageId", "timestamp", "model",
  "uncachedInput", "cacheRead", "cacheWrite5m", "cacheWrite1h", "output", "reasoning", "contextTokens", "speed", "costUsd", "priced",
  "priceRule", "priceTier", "isApiError", "requestId", "stopReason", "batchId"
FROM "Call_unpartitioned";
INSERT INTO "CallKey" ("teamId", "source", "callKey", "callId", "timestamp")
SELECT "teamId", "source", "callKey", "id", "timestamp" FROM "Call_unpartitioned";

INSERT INTO "ToolCall" ("teamId", "id", "runId", "callId", "toolUseId", "name", "inputBytes", "summary", "outputBytes", "outputTokens",
  "outputHash", "outputText", "isError", "timestamp", "resultAt")
SELECT "teamId", "id", "runId", "callId", "toolUseId", "name", "inputBytes", "summary", "outputBytes", "outputTokens",
  "outputHash", "outputText", "isError", "timestamp", "resultAt"
FROM "ToolCall_unpartitioned";
INSERT INTO "ToolCallKey" ("teamId", "runId", "toolUseId", "toolCallId", "timestamp")
SELECT "teamId", "runId", "toolUseId", "id", "timestamp" FROM "ToolCall_unpartitioned";

DROP TABLE "Call_unpartitioned";
DROP TABLE "ToolCall_unpartitioned";
