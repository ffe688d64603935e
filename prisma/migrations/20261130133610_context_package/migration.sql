-- CreateTable
CREATE TABLE "RunContextPackage" (
    "teamId" UUID NOT NULL,
    "runId" UUID NOT NULL,
    "day" DATE NOT NULL,
    "firstCallId" BIGINT,
    "packageTokens" INTEGER NOT NULL,
    "callsCarried" INTEGER NOT NULL,
    "packageCostUsd" DECIMAL(24,12) NOT NULL,
    "tools" JSONB NOT NULL,
    "instructionFiles" JSONB NOT NULL,

    CONSTRAINT "RunContextPackage_pkey" PRIMARY KEY ("teamId","runId")
);

-- CreateIndex
CREATE INDEX "RunContextPackage_teamId_day_idx" ON "RunContextPackage"("teamId", "day");

-- AddForeignKey
ALTER TABLE "RunContextPackage" ADD CONSTRAINT "RunContextPackage_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;
