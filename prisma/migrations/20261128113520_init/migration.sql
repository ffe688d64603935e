-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('ADMIN', 'MANAGER', 'MEMBER');

-- CreateEnum
CREATE TYPE "OutcomeStatus" AS ENUM ('ACCEPTED', 'REJECTED', 'ABANDONED', 'PROPOSED');

-- CreateEnum
CREATE TYPE "BatchStatus" AS ENUM ('RUNNING', 'COMPLETE', 'FAILED');

-- CreateTable
CREATE TABLE "Team" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Team_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "User" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "email" TEXT NOT NULL,
    "name" TEXT,
    "passwordHash" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Membership" (
    "teamId" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "role" "Role" NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Membership_pkey" PRIMARY KEY ("teamId","userId")
);

-- CreateTable
CREATE TABLE "ApiKey" (
    "teamId" UUID NOT NULL,
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "scopes" TEXT[],
    "createdById" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" TIMESTAMPTZ(3),
    "revokedAt" TIMESTAMPTZ(3),

    CONSTRAINT "ApiKey_pkey" PRIMARY KEY ("teamId","id")
);

-- CreateTable
CREATE TABLE "Person" (
    "teamId" UUID NOT NULL,
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "displayName" TEXT NOT NULL,
    "email" TEXT,
    "userId" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Person_pkey" PRIMARY KEY ("teamId","id")
);

-- CreateTable
CREATE TABLE "Identity" (
    "teamId" UUID NOT NULL,
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "kind" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "personId" UUID,
    "firstSeenAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Identity_pkey" PRIMARY KEY ("teamId","id")
);

-- CreateTable
CREATE TABLE "Project" (
    "teamId" UUID NOT NULL,
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "repositoryPattern" TEXT,
    "pathPattern" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Project_pkey" PRIMARY KEY ("teamId","id")
);

-- CreateTable
CREATE TABLE "Task" (
    "teamId" UUID NOT NULL,
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "key" TEXT NOT NULL,
    "title" TEXT,
    "projectId" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Task_pkey" PRIMARY KEY ("teamId","id")
);

-- CreateTable
CREATE TABLE "Run" (
    "teamId" UUID NOT NULL,
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "source" TEXT NOT NULL,
    "externalId" TEXT NOT NULL,
    "title" TEXT,
    "cwd" TEXT,
    "gitBranch" TEXT,
    "repository" TEXT,
    "commitSha" TEXT,
    "cliVersion" TEXT,
    "identityId" UUID,
    "startedAt" TIMESTAMPTZ(3) NOT NULL,
    "endedAt" TIMESTAMPTZ(3) NOT NULL,
    "models" TEXT[],
    "ownerId" UUID,
    "projectId" UUID,
    "taskId" UUID,
    "ownerSetBy" TEXT,
    "projectSetBy" TEXT,
    "taskSetBy" TEXT,
    "outcome" "OutcomeStatus",
    "calls" INTEGER NOT NULL DEFAULT 0,
    "inputTokens" BIGINT NOT NULL DEFAULT 0,
    "outputTokens" BIGINT NOT NULL DEFAULT 0,
    "cacheWriteTokens" BIGINT NOT NULL DEFAULT 0,
    "cacheReadTokens" BIGINT NOT NULL DEFAULT 0,
    "costUsd" DECIMAL(24,12) NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Run_pkey" PRIMARY KEY ("teamId","id")
);

-- CreateTable
CREATE TABLE "Call" (
    "teamId" UUID NOT NULL,
    "id" BIGSERIAL NOT NULL,
    "runId" UUID NOT NULL,
    "source" TEXT NOT NULL,
    "callKey" TEXT NOT NULL,
    "agentId" TEXT,
    "isSidechain" BOOLEAN NOT NULL DEFAULT false,
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

    CONSTRAINT "Call_pkey" PRIMARY KEY ("teamId","id")
);

-- CreateTable
CREATE TABLE "ToolCall" (
    "teamId" UUID NOT NULL,
    "id" BIGSERIAL NOT NULL,
    "runId" UUID NOT NULL,
    "callId" BIGINT,
    "toolUseId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "inputBytes" INTEGER NOT NULL DEFAULT 0,
    "summary" TEXT,
    "outputBytes" INTEGER,
    "outputTokens" INTEGER,
    "outputHash" TEXT,
    "isError" BOOLEAN NOT NULL DEFAULT false,
    "timestamp" TIMESTAMPTZ(3) NOT NULL,
    "resultAt" TIMESTAMPTZ(3),

    CONSTRAINT "ToolCall_pkey" PRIMARY KEY ("teamId","id")
);

-- CreateTable
CREATE TABLE "Outcome" (
    "teamId" UUID NOT NULL,
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "runId" UUID,
    "taskId" UUID,
    "status" "OutcomeStatus" NOT NULL,
    "source" TEXT NOT NULL,
    "evidence" TEXT,
    "createdById" UUID,
    "decidedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Outcome_pkey" PRIMARY KEY ("teamId","id")
);

-- CreateTable
CREATE TABLE "IngestBatch" (
    "teamId" UUID NOT NULL,
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "format" TEXT NOT NULL,
    "fileName" TEXT,
    "status" "BatchStatus" NOT NULL DEFAULT 'RUNNING',
    "runs" INTEGER NOT NULL DEFAULT 0,
    "calls" INTEGER NOT NULL DEFAULT 0,
    "duplicates" INTEGER NOT NULL DEFAULT 0,
    "costUsd" DECIMAL(24,12) NOT NULL DEFAULT 0,
    "errors" JSONB NOT NULL DEFAULT '[]',
    "errorCount" INTEGER NOT NULL DEFAULT 0,
    "uploadedById" UUID,
    "apiKeyId" UUID,
    "startedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMPTZ(3),

    CONSTRAINT "IngestBatch_pkey" PRIMARY KEY ("teamId","id")
);

-- CreateTable
CREATE TABLE "AuditLog" (
    "teamId" UUID NOT NULL,
    "id" BIGSERIAL NOT NULL,
    "actorUserId" UUID,
    "actorApiKeyId" UUID,
    "action" TEXT NOT NULL,
    "entityType" TEXT NOT NULL,
    "entityId" TEXT,
    "before" JSONB,
    "after" JSONB,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AuditLog_pkey" PRIMARY KEY ("teamId","id")
);

-- CreateTable
CREATE TABLE "OwnershipRule" (
    "teamId" UUID NOT NULL,
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "position" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "matchField" TEXT NOT NULL,
    "pattern" TEXT NOT NULL,
    "setOwnerId" UUID,
    "setProjectId" UUID,
    "setTaskId" UUID,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "OwnershipRule_pkey" PRIMARY KEY ("teamId","id")
);

-- CreateTable
CREATE TABLE "RunOwnerShare" (
    "teamId" UUID NOT NULL,
    "runId" UUID NOT NULL,
    "personId" UUID NOT NULL,
    "percent" DECIMAL(7,4) NOT NULL,

    CONSTRAINT "RunOwnerShare_pkey" PRIMARY KEY ("teamId","runId","personId")
);

-- CreateTable
CREATE TABLE "PriceOverride" (
    "teamId" UUID NOT NULL,
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "model" TEXT NOT NULL,
    "effectiveFrom" TIMESTAMPTZ(3) NOT NULL,
    "inputPerM" DECIMAL(18,6) NOT NULL,
    "outputPerM" DECIMAL(18,6) NOT NULL,
    "cacheReadPerM" DECIMAL(18,6) NOT NULL,
    "cacheWrite5mPerM" DECIMAL(18,6) NOT NULL,
    "cacheWrite1hPerM" DECIMAL(18,6) NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PriceOverride_pkey" PRIMARY KEY ("teamId","id")
);

-- CreateTable
CREATE TABLE "Finding" (
    "teamId" UUID NOT NULL,
    "id" BIGSERIAL NOT NULL,
    "runId" UUID NOT NULL,
    "category" TEXT NOT NULL,
    "wastedTokens" BIGINT NOT NULL,
    "wastedUsd" DECIMAL(24,12) NOT NULL,
    "callIds" BIGINT[],
    "explanation" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Finding_pkey" PRIMARY KEY ("teamId","id")
);

-- CreateTable
CREATE TABLE "RunDaySpend" (
    "teamId" UUID NOT NULL,
    "runId" UUID NOT NULL,
    "day" DATE NOT NULL,
    "model" TEXT NOT NULL,
    "calls" INTEGER NOT NULL,
    "inputTokens" BIGINT NOT NULL,
    "outputTokens" BIGINT NOT NULL,
    "cacheWriteTokens" BIGINT NOT NULL,
    "cacheReadTokens" BIGINT NOT NULL,
    "costUsd" DECIMAL(24,12) NOT NULL,

    CONSTRAINT "RunDaySpend_pkey" PRIMARY KEY ("teamId","runId","day","model")
);

-- CreateTable
CREATE TABLE "DailySpend" (
    "teamId" UUID NOT NULL,
    "day" DATE NOT NULL,
    "ownerId" TEXT NOT NULL DEFAULT '',
    "projectId" TEXT NOT NULL DEFAULT '',
    "taskId" TEXT NOT NULL DEFAULT '',
    "model" TEXT NOT NULL,
    "calls" DECIMAL(24,6) NOT NULL,
    "inputTokens" DECIMAL(24,6) NOT NULL,
    "outputTokens" DECIMAL(24,6) NOT NULL,
    "cacheWriteTokens" DECIMAL(24,6) NOT NULL,
    "cacheReadTokens" DECIMAL(24,6) NOT NULL,
    "costUsd" DECIMAL(24,12) NOT NULL,

    CONSTRAINT "DailySpend_pkey" PRIMARY KEY ("teamId","day","ownerId","projectId","taskId","model")
);

-- CreateIndex
CREATE UNIQUE INDEX "Team_slug_key" ON "Team"("slug");

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- CreateIndex
CREATE INDEX "Membership_userId_idx" ON "Membership"("userId");

-- CreateIndex
CREATE INDEX "ApiKey_prefix_idx" ON "ApiKey"("prefix");

-- CreateIndex
CREATE UNIQUE INDEX "Person_teamId_userId_key" ON "Person"("teamId", "userId");

-- CreateIndex
CREATE UNIQUE INDEX "Identity_teamId_kind_value_key" ON "Identity"("teamId", "kind", "value");

-- CreateIndex
CREATE UNIQUE INDEX "Project_teamId_name_key" ON "Project"("teamId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "Task_teamId_key_key" ON "Task"("teamId", "key");

-- CreateIndex
CREATE INDEX "Run_teamId_startedAt_idx" ON "Run"("teamId", "startedAt");

-- CreateIndex
CREATE INDEX "Run_teamId_costUsd_idx" ON "Run"("teamId", "costUsd");

-- CreateIndex
CREATE UNIQUE INDEX "Run_teamId_source_externalId_key" ON "Run"("teamId", "source", "externalId");

-- CreateIndex
CREATE INDEX "Call_teamId_runId_timestamp_idx" ON "Call"("teamId", "runId", "timestamp");

-- CreateIndex
CREATE INDEX "Call_teamId_timestamp_idx" ON "Call"("teamId", "timestamp");

-- CreateIndex
CREATE UNIQUE INDEX "Call_teamId_source_callKey_key" ON "Call"("teamId", "source", "callKey");

-- CreateIndex
CREATE UNIQUE INDEX "ToolCall_teamId_runId_toolUseId_key" ON "ToolCall"("teamId", "runId", "toolUseId");

-- CreateIndex
CREATE INDEX "Outcome_teamId_runId_idx" ON "Outcome"("teamId", "runId");

-- CreateIndex
CREATE INDEX "IngestBatch_teamId_startedAt_idx" ON "IngestBatch"("teamId", "startedAt");

-- CreateIndex
CREATE INDEX "AuditLog_teamId_createdAt_idx" ON "AuditLog"("teamId", "createdAt");

-- CreateIndex
CREATE INDEX "OwnershipRule_teamId_position_idx" ON "OwnershipRule"("teamId", "position");

-- CreateIndex
CREATE UNIQUE INDEX "PriceOverride_teamId_model_effectiveFrom_key" ON "PriceOverride"("teamId", "model", "effectiveFrom");

-- CreateIndex
CREATE INDEX "Finding_teamId_runId_idx" ON "Finding"("teamId", "runId");

-- CreateIndex
CREATE INDEX "Finding_teamId_day_idx" ON "Finding"("teamId", "day");

-- CreateIndex
CREATE INDEX "RunDaySpend_teamId_day_idx" ON "RunDaySpend"("teamId", "day");

-- AddForeignKey
ALTER TABLE "Membership" ADD CONSTRAINT "Membership_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Membership" ADD CONSTRAINT "Membership_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiKey" ADD CONSTRAINT "ApiKey_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Person" ADD CONSTRAINT "Person_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Identity" ADD CONSTRAINT "Identity_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Identity" ADD CONSTRAINT "Identity_teamId_personId_fkey" FOREIGN KEY ("teamId", "personId") REFERENCES "Person"("teamId", "id") ON DELETE NO ACTION ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Project" ADD CONSTRAINT "Project_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Task" ADD CONSTRAINT "Task_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Run" ADD CONSTRAINT "Run_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Call" ADD CONSTRAINT "Call_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ToolCall" ADD CONSTRAINT "ToolCall_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Outcome" ADD CONSTRAINT "Outcome_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IngestBatch" ADD CONSTRAINT "IngestBatch_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AuditLog" ADD CONSTRAINT "AuditLog_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OwnershipRule" ADD CONSTRAINT "OwnershipRule_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RunOwnerShare" ADD CONSTRAINT "RunOwnerShare_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RunOwnerShare" ADD CONSTRAINT "RunOwnerShare_teamId_personId_fkey" FOREIGN KEY ("teamId", "personId") REFERENCES "Person"("teamId", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PriceOverride" ADD CONSTRAINT "PriceOverride_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Finding" ADD CONSTRAINT "Finding_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RunDaySpend" ADD CONSTRAINT "RunDaySpend_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DailySpend" ADD CONSTRAINT "DailySpend_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;
