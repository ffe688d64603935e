-- AlterTable
ALTER TABLE "Call" ADD COLUMN     "messageId" TEXT;

-- CreateIndex
CREATE INDEX "Call_teamId_messageId_idx" ON "Call"("teamId", "messageId");

-- Call identities that must not depend on anything but the call. A native call's key is unique
-- within its session only (issue 17): prefix every stored native key
-- with its session (the run's externalId), length first so no two (session, key) pairs can give
-- the same text. lib/ingest/writer.ts (nativeCallKey) builds new keys the same way. The unique
-- index is rebuilt around the updates: checked row by row, a rewritten key could otherwise meet an
-- old-format key that is rewritten later in the same statement.
DROP INDEX "Call_teamId_source_callKey_key";

UPDATE "Call" c
SET "callKey" = char_length(r."externalId")::text || ':' || r."externalId" || ':' || c."callKey"
FROM "Run" r
WHERE c.source = 'native' AND r."teamId" = c."teamId" AND r.id = c."runId";

-- A Claude Code message without message.id counts per line (FORMATS.md rule 4). Its lines were
-- keyed `line:<file name>:<line uuid>`, so one line sent under another name (a folder, one file,
-- the upload page) counted again. The key is now `line:<session>:<line uuid>` (lib/ingest/parsers/
-- claude-code.ts). Lines without uuid keep `line:<file>:#<n>`. Where two stored rows are the same
-- line of a session already, the first keeps the new key and the others their old one (as does
-- a row whose new key some stored key already is).
UPDATE "Call" c
SET "callKey" = 'line:' || r."externalId" || ':' || substring(c."callKey" from '[^:]*$')
FROM "Run" r
WHERE c.source = 'claude-code' AND c."callKey" LIKE 'line:%' AND substring(c."callKey" from '[^:]*$') NOT LIKE '#%'
  AND r."teamId" = c."teamId" AND r.id = c."runId"
  AND c.id = (
    SELECT min(o.id) FROM "Call" o
    WHERE o."teamId" = c."teamId" AND o."runId" = c."runId" AND o.source = 'claude-code' AND o."callKey" LIKE 'line:%'
      AND substring(o."callKey" from '[^:]*$') = substring(c."callKey" from '[^:]*$'))
  AND NOT EXISTS (
    SELECT 1 FROM "Call" x
    WHERE x."teamId" = c."teamId" AND x.source = 'claude-code' AND x."callKey" = 'line:' || r."externalId" || ':' || substring(c."callKey" from '[^:]*$'));

CREATE UNIQUE INDEX "Call_teamId_source_callKey_key" ON "Call"("teamId", "source", "callKey");
