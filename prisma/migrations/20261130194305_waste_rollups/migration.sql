-- CreateTable
CREATE TABLE "RunWaste" (
    "teamId" UUID NOT NULL,
    "runId" UUID NOT NULL,
    "day" DATE NOT NULL,
    "wastedUsd" DECIMAL(24,12) NOT NULL,
    "findings" INTEGER NOT NULL,

    CONSTRAINT "RunWaste_pkey" PRIMARY KEY ("teamId","runId")
);

-- CreateTable
CREATE TABLE "WasteDay" (
    "teamId" UUID NOT NULL,
    "day" DATE NOT NULL,
    "category" TEXT NOT NULL,
    "wastedUsd" DECIMAL(24,12) NOT NULL,
    "findings" INTEGER NOT NULL,

    CONSTRAINT "WasteDay_pkey" PRIMARY KEY ("teamId","day","category")
);

-- CreateIndex
CREATE INDEX "RunWaste_teamId_day_idx" ON "RunWaste"("teamId", "day");

-- CreateIndex
CREATE INDEX "Finding_teamId_day_wastedUsd_id_idx" ON "Finding"("teamId", "day", "wastedUsd" DESC, "id");

-- AddForeignKey
ALTER TABLE "RunWaste" ADD CONSTRAINT "RunWaste_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WasteDay" ADD CONSTRAINT "WasteDay_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The rollups of the findings stored before them (lib/rollups/waste.ts keeps them in step from now on).
INSERT INTO "RunWaste" ("teamId", "runId", "day", "wastedUsd", "findings")
SELECT "teamId", "runId", max("day"),
  greatest(coalesce(sum("wastedUsd") FILTER (WHERE "category" = 'no-accepted-outcome'), 0),
           coalesce(sum("wastedUsd") FILTER (WHERE "category" <> 'no-accepted-outcome'), 0)),
  count(*)
FROM "Finding" GROUP BY "teamId", "runId";

INSERT INTO "WasteDay" ("teamId", "day", "category", "wastedUsd", "findings")
SELECT "teamId", "day", "category", sum("wastedUsd"), count(*) FROM "Finding" GROUP BY "teamId", "day", "category";
