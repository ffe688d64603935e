-- CreateTable
CREATE TABLE "PendingPullRequest" (
    "teamId" UUID NOT NULL,
    "deliveryId" TEXT NOT NULL,
    "pullRequest" TEXT NOT NULL,
    "status" "OutcomeStatus" NOT NULL,
    "reference" JSONB NOT NULL,
    "receivedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PendingPullRequest_pkey" PRIMARY KEY ("teamId","deliveryId")
);

-- CreateIndex
CREATE INDEX "PendingPullRequest_teamId_pullRequest_idx" ON "PendingPullRequest"("teamId", "pullRequest");

-- CreateIndex
CREATE INDEX "PendingPullRequest_teamId_receivedAt_idx" ON "PendingPullRequest"("teamId", "receivedAt");

-- AddForeignKey
ALTER TABLE "PendingPullRequest" ADD CONSTRAINT "PendingPullRequest_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;
