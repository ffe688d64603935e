-- AlterTable
ALTER TABLE "DailySpend" DROP CONSTRAINT "DailySpend_pkey",
ADD COLUMN     "source" TEXT NOT NULL DEFAULT '',
ADD CONSTRAINT "DailySpend_pkey" PRIMARY KEY ("teamId", "day", "ownerId", "projectId", "taskId", "model", "source");

-- Rows stored before: rebuilt from RunDaySpend with their runs' source, as
-- lib/ownership/daily-spend.ts (addToDailySpend) writes them.
DELETE FROM "DailySpend";
INSERT INTO "DailySpend" ("teamId", day, "ownerId", "projectId", "taskId", model, source, calls, "inputTokens", "outputTokens", "cacheWriteTokens", "cacheReadTokens", "costUsd")
SELECT d."teamId", d.day, coalesce(s."personId"::text, r."ownerId"::text, ''), coalesce(r."projectId"::text, ''), coalesce(r."taskId"::text, ''), d.model, r.source,
  sum(d.calls * f.share), sum(d."inputTokens" * f.share), sum(d."outputTokens" * f.share), sum(d."cacheWriteTokens" * f.share), sum(d."cacheReadTokens" * f.share), sum(d."costUsd" * f.share)
FROM "RunDaySpend" d
JOIN "Run" r ON r."teamId" = d."teamId" AND r.id = d."runId"
LEFT JOIN "RunOwnerShare" s ON s."teamId" = r."teamId" AND s."runId" = r.id
CROSS JOIN LATERAL (SELECT coalesce(s.percent / 100, 1)::numeric AS share) f
GROUP BY 1, 2, 3, 4, 5, 6, 7;
