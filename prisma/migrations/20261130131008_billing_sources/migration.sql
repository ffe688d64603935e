-- CreateTable
CREATE TABLE "BillingSource" (
    "teamId" UUID NOT NULL,
    "id" UUID NOT NULL,
    "provider" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "adminKeyCiphertext" TEXT NOT NULL,
    "lastSyncStatus" TEXT,
    "lastSyncAt" TIMESTAMPTZ(3),
    "lastSyncError" TEXT,
    "lastSyncRange" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "BillingSource_pkey" PRIMARY KEY ("teamId","id")
);

-- CreateTable
CREATE TABLE "BilledDay" (
    "teamId" UUID NOT NULL,
    "sourceId" UUID NOT NULL,
    "day" DATE NOT NULL,
    "model" TEXT NOT NULL,
    "costType" TEXT NOT NULL,
    "billedUsd" DECIMAL(24,12) NOT NULL,
    "inputTokens" BIGINT,
    "outputTokens" BIGINT,
    "cacheWriteTokens" BIGINT,
    "cacheReadTokens" BIGINT,

    CONSTRAINT "BilledDay_pkey" PRIMARY KEY ("teamId","sourceId","day","model","costType")
);

-- CreateTable
CREATE TABLE "ClaudeCodeActivity" (
    "teamId" UUID NOT NULL,
    "sourceId" UUID NOT NULL,
    "day" DATE NOT NULL,
    "actor" TEXT NOT NULL,
    "customerType" TEXT NOT NULL,
    "sessions" INTEGER NOT NULL,
    "linesAdded" INTEGER NOT NULL,
    "linesRemoved" INTEGER NOT NULL,
    "commits" INTEGER NOT NULL,
    "pullRequests" INTEGER NOT NULL,
    "estimatedCostUsd" DECIMAL(24,12) NOT NULL,

    CONSTRAINT "ClaudeCodeActivity_pkey" PRIMARY KEY ("teamId","sourceId","day","actor")
);

-- CreateTable
CREATE TABLE "Seat" (
    "teamId" UUID NOT NULL,
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "personId" UUID NOT NULL,
    "plan" TEXT NOT NULL,
    "monthlyUsd" DECIMAL(12,2) NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Seat_pkey" PRIMARY KEY ("teamId","id")
);

-- CreateIndex
CREATE UNIQUE INDEX "BillingSource_teamId_name_key" ON "BillingSource"("teamId", "name");

-- CreateIndex
CREATE INDEX "BilledDay_teamId_day_idx" ON "BilledDay"("teamId", "day");

-- CreateIndex
CREATE INDEX "ClaudeCodeActivity_teamId_day_idx" ON "ClaudeCodeActivity"("teamId", "day");

-- CreateIndex
CREATE UNIQUE INDEX "Seat_teamId_personId_plan_key" ON "Seat"("teamId", "personId", "plan");

-- AddForeignKey
ALTER TABLE "BillingSource" ADD CONSTRAINT "BillingSource_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BilledDay" ADD CONSTRAINT "BilledDay_teamId_sourceId_fkey" FOREIGN KEY ("teamId", "sourceId") REFERENCES "BillingSource"("teamId", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ClaudeCodeActivity" ADD CONSTRAINT "ClaudeCodeActivity_teamId_sourceId_fkey" FOREIGN KEY ("teamId", "sourceId") REFERENCES "BillingSource"("teamId", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Seat" ADD CONSTRAINT "Seat_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;
