-- AlterTable
ALTER TABLE "Outcome" ADD COLUMN     "deliveryId" TEXT,
ADD COLUMN     "matchedBy" TEXT,
ADD COLUMN     "pullRequest" TEXT,
ADD COLUMN     "repositoryMatch" TEXT;

-- CreateTable
CREATE TABLE "GithubDelivery" (
    "teamId" UUID NOT NULL,
    "deliveryId" TEXT NOT NULL,
    "receivedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "GithubDelivery_pkey" PRIMARY KEY ("teamId","deliveryId")
);

-- AddForeignKey
ALTER TABLE "GithubDelivery" ADD CONSTRAINT "GithubDelivery_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;
