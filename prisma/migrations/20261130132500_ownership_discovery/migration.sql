-- AlterTable
ALTER TABLE "Identity" ADD COLUMN     "personSetBy" TEXT;

-- AlterTable
ALTER TABLE "Project" ADD COLUMN     "discoveryKeys" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- AlterTable
ALTER TABLE "Task" ADD COLUMN     "discoveryKeys" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- CreateTable
CREATE TABLE "OwnershipSettings" (
    "teamId" UUID NOT NULL,
    "discoverOwners" BOOLEAN NOT NULL DEFAULT true,
    "discoverProjects" BOOLEAN NOT NULL DEFAULT true,
    "discoverTasks" BOOLEAN NOT NULL DEFAULT true,
    "ignoredKeys" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "OwnershipSettings_pkey" PRIMARY KEY ("teamId")
);

-- AddForeignKey
ALTER TABLE "OwnershipSettings" ADD CONSTRAINT "OwnershipSettings_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Links made before discovery existed were made by an admin.
UPDATE "Identity" SET "personSetBy" = 'manual' WHERE "personId" IS NOT NULL;
