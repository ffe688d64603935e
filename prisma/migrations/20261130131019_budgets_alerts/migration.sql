-- AlterTable
ALTER TABLE "Team" ADD COLUMN     "timeZone" TEXT NOT NULL DEFAULT 'UTC';

-- CreateTable
CREATE TABLE "Budget" (
    "teamId" UUID NOT NULL,
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "scopeKind" TEXT NOT NULL,
    "scopeValue" TEXT,
    "period" TEXT NOT NULL,
    "amountUsd" DECIMAL(24,12) NOT NULL,
    "thresholds" INTEGER[],
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Budget_pkey" PRIMARY KEY ("teamId","id")
);

-- CreateTable
CREATE TABLE "BudgetChannel" (
    "teamId" UUID NOT NULL,
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "budgetId" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "url" TEXT,
    "secret" TEXT,
    "to" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "BudgetChannel_pkey" PRIMARY KEY ("teamId","id")
);

-- CreateTable
CREATE TABLE "BudgetAlert" (
    "teamId" UUID NOT NULL,
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "budgetId" UUID NOT NULL,
    "periodStart" DATE NOT NULL,
    "thresholdPercent" INTEGER NOT NULL,
    "event" TEXT NOT NULL,
    "subject" TEXT NOT NULL DEFAULT '',
    "payload" JSONB NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "BudgetAlert_pkey" PRIMARY KEY ("teamId","id")
);

-- CreateTable
CREATE TABLE "BudgetDelivery" (
    "teamId" UUID NOT NULL,
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "budgetId" UUID NOT NULL,
    "channelId" UUID NOT NULL,
    "alertId" UUID,
    "event" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "leaseUntil" TIMESTAMPTZ(3),
    "lastError" TEXT,
    "deliveredAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "BudgetDelivery_pkey" PRIMARY KEY ("teamId","id")
);

-- CreateIndex
CREATE INDEX "BudgetChannel_teamId_budgetId_idx" ON "BudgetChannel"("teamId", "budgetId");

-- CreateIndex
CREATE UNIQUE INDEX "BudgetAlert_teamId_budgetId_periodStart_thresholdPercent_ev_key" ON "BudgetAlert"("teamId", "budgetId", "periodStart", "thresholdPercent", "event", "subject");

-- CreateIndex
CREATE INDEX "BudgetDelivery_teamId_budgetId_createdAt_idx" ON "BudgetDelivery"("teamId", "budgetId", "createdAt");

-- CreateIndex
CREATE INDEX "BudgetDelivery_status_nextAttemptAt_idx" ON "BudgetDelivery"("status", "nextAttemptAt");

-- CreateIndex
CREATE UNIQUE INDEX "BudgetDelivery_teamId_alertId_channelId_key" ON "BudgetDelivery"("teamId", "alertId", "channelId");

-- AddForeignKey
ALTER TABLE "Budget" ADD CONSTRAINT "Budget_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BudgetChannel" ADD CONSTRAINT "BudgetChannel_teamId_budgetId_fkey" FOREIGN KEY ("teamId", "budgetId") REFERENCES "Budget"("teamId", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BudgetAlert" ADD CONSTRAINT "BudgetAlert_teamId_budgetId_fkey" FOREIGN KEY ("teamId", "budgetId") REFERENCES "Budget"("teamId", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BudgetDelivery" ADD CONSTRAINT "BudgetDelivery_teamId_budgetId_fkey" FOREIGN KEY ("teamId", "budgetId") REFERENCES "Budget"("teamId", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BudgetDelivery" ADD CONSTRAINT "BudgetDelivery_teamId_channelId_fkey" FOREIGN KEY ("teamId", "channelId") REFERENCES "BudgetChannel"("teamId", "id") ON DELETE CASCADE ON UPDATE CASCADE;
