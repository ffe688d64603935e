-- AlterTable
ALTER TABLE "IngestBatch" ADD COLUMN     "afterCommitPending" BOOLEAN NOT NULL DEFAULT false;
