-- AlterTable
ALTER TABLE "Outcome" DROP COLUMN "taskId";
