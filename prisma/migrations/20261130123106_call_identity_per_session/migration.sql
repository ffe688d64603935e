-- AlterTable
ALTER TABLE "Call" ADD COLUMN     "messageId" TEXT;

-- CreateIndex
CREATE INDEX "Call_teamId_messageId_idx" ON "Call"("teamId", "messageId");

-- A native call's key is unique within its session only (issue 17): prefix every stored native key
-- with its session (the run's externalId), length first so no two (session, key) pairs can give
-- the same text. lib/ingest/writer.ts (nativeCallKey) builds new keys the same way. The unique
-- index is rebuilt around the update: checked row by row, a rewritten key could otherwise meet an
-- old-format key that is rewritten later in the same statement.
DROP INDEX "Call_teamId_source_callKey_key";

UPDATE "Call" c
SET "callKey" = char_length(r."externalId")::text || ':' || r."externalId" || ':' || c."callKey"
FROM "Run" r
WHERE c.source = 'native' AND r."teamId" = c."teamId" AND r.id = c."runId";

CREATE UNIQUE INDEX "Call_teamId_source_callKey_key" ON "Call"("teamId", "source", "callKey");
