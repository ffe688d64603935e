-- AlterTable
ALTER TABLE "ToolCall" ADD COLUMN     "outputText" TEXT;
