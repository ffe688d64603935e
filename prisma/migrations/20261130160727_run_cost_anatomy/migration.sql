-- CreateTable
CREATE TABLE "RunCostAnatomy" (
    "teamId" UUID NOT NULL,
    "runId" UUID NOT NULL,
    "calls" INTEGER NOT NULL,
    "costUsd" DECIMAL(24,12) NOT NULL,
    "wallMs" BIGINT NOT NULL,
    "longestGapMs" BIGINT NOT NULL,
    "discoveryUsd" DECIMAL(24,12) NOT NULL,
    "implementationUsd" DECIMAL(24,12) NOT NULL,
    "verificationUsd" DECIMAL(24,12) NOT NULL,
    "handoffUsd" DECIMAL(24,12) NOT NULL,
    "otherUsd" DECIMAL(24,12) NOT NULL,
    "discoveryMs" BIGINT NOT NULL,
    "implementationMs" BIGINT NOT NULL,
    "verificationMs" BIGINT NOT NULL,
    "handoffMs" BIGINT NOT NULL,
    "otherMs" BIGINT NOT NULL,
    "newUsd" DECIMAL(24,12) NOT NULL,
    "carriedUsd" DECIMAL(24,12) NOT NULL,
    "toolOutputUsd" DECIMAL(24,12) NOT NULL,
    "retriesUsd" DECIMAL(24,12) NOT NULL,

    CONSTRAINT "RunCostAnatomy_pkey" PRIMARY KEY ("teamId","runId")
);

-- AddForeignKey
ALTER TABLE "RunCostAnatomy" ADD CONSTRAINT "RunCostAnatomy_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;
