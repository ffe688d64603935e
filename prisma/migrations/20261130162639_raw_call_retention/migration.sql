-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "callsRemovedBefore" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "Team" ADD COLUMN     "rawCallRetentionDays" INTEGER;
