-- CreateTable
CREATE TABLE "RunTag" (
    "teamId" UUID NOT NULL,
    "runId" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,

    CONSTRAINT "RunTag_pkey" PRIMARY KEY ("teamId","runId","key")
);

-- CreateTable
CREATE TABLE "SavedFilter" (
    "teamId" UUID NOT NULL,
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "spec" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SavedFilter_pkey" PRIMARY KEY ("teamId","id")
);

-- CreateIndex
CREATE INDEX "RunTag_teamId_key_value_idx" ON "RunTag"("teamId", "key", "value");

-- CreateIndex
CREATE UNIQUE INDEX "SavedFilter_teamId_name_key" ON "SavedFilter"("teamId", "name");

-- AddForeignKey
ALTER TABLE "RunTag" ADD CONSTRAINT "RunTag_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RunTag" ADD CONSTRAINT "RunTag_teamId_runId_fkey" FOREIGN KEY ("teamId", "runId") REFERENCES "Run"("teamId", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SavedFilter" ADD CONSTRAINT "SavedFilter_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;
