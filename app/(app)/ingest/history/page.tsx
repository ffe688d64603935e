import type { Metadata } from "next";
import Link from "next/link";
import { z } from "zod";
import { IngestErrorList, IngestTotalsList } from "@/components/ingest/ingest-summary";
import { PageHead } from "@/components/page-head";
import { maySeeEveryonesSpend } from "@/lib/auth/policy";
import { pageScope } from "@/lib/auth/scope";
import { teamDb } from "@/lib/db/team-db";
import { interruptStaleBatches } from "@/lib/ingest/batch-status";

export const metadata: Metadata = { title: "Ingest history" };

const SHOWN_BATCHES = 200;

/** IngestBatch.errors as the writer stores it; anything else in the column is shown as nothing. */
const storedErrors = z.array(z.object({ file: z.string().nullish(), line: z.number(), message: z.string() })).catch([]);

export default async function IngestHistoryPage() {
  const scope = await pageScope();
  const tdb = teamDb(scope);
  // Members see the batches they uploaded; who may read all spend sees every batch.
  const onlyOwn = !maySeeEveryonesSpend(scope);
  // Batches whose writer stopped answering are shown as what they are: interrupted.
  await interruptStaleBatches({ teamId: scope.teamId });
  const batches = await tdb.ingestBatch.findMany({
    where: onlyOwn ? { uploadedById: scope.actor.userId } : {},
    orderBy: { startedAt: "desc" },
    take: SHOWN_BATCHES,
  });
  const [users, keys] = await Promise.all([
    tdb.user.findMany({
      where: { id: { in: unique(batches.map((batch) => batch.uploadedById)) } },
      select: { id: true, email: true },
    }),
    tdb.apiKey.findMany({
      where: { id: { in: unique(batches.map((batch) => batch.apiKeyId)) } },
      select: { id: true, name: true },
    }),
  ]);
  const userEmail = new Map(users.map((user) => [user.id, user.email]));
  const keyName = new Map(keys.map((key) => [key.id, key.name]));

  return (
    <>
      <PageHead
        title="Ingest history"
        subtitle={`The last ${SHOWN_BATCHES} uploads, pushes and imports${onlyOwn ? " you made" : " of the team"}, newest first`}
      >
        <Link href="/ingest">Upload files</Link>
      </PageHead>
      {batches.length === 0 ? (
        <section className="panel empty">
          <p className="muted">
            Nothing ingested yet. <Link href="/ingest">Upload files</Link> or push from a machine.
          </p>
        </section>
      ) : null}
      {batches.map((batch) => {
        const errors = storedErrors.parse(batch.errors);
        const by = batch.apiKeyId
          ? `API key ${keyName.get(batch.apiKeyId) ?? "(deleted)"}`
          : batch.uploadedById
            ? (userEmail.get(batch.uploadedById) ?? "a former member")
            : "command line";
        return (
          <section key={batch.id} className="panel ingest-batch" data-testid="ingest-batch">
            <header className="ingest-batch-head">
              <div>
                <strong className="upload-path">{batch.fileName ?? "(no file name)"}</strong>{" "}
                <span className="badge">{batch.format}</span>{" "}
                <span
                  className={batch.status === "FAILED" || batch.status === "INTERRUPTED" ? "badge danger" : "badge"}
                  data-testid="ingest-batch-status"
                >
                  {batch.status.toLowerCase()}
                </span>
                {batch.status === "INTERRUPTED" ? (
                  <span className="muted" data-testid="ingest-batch-interrupted">
                    {" "}
                    cut off after {formatUtc(batch.heartbeatAt)} UTC: it stored {batch.calls}{" "}
                    {batch.calls === 1 ? "call" : "calls"} in {batch.runs} {batch.runs === 1 ? "run" : "runs"} (whole
                    chunks only). Sending the same files again completes it exactly; what is stored counts as
                    duplicates.
                  </span>
                ) : null}
              </div>
              <span className="muted">
                {formatUtc(batch.startedAt)} UTC · {by}
              </span>
            </header>
            <IngestTotalsList
              totals={{
                runs: batch.runs,
                calls: batch.calls,
                duplicates: batch.duplicates,
                costUsd: batch.costUsd.toNumber(),
                errorCount: batch.errorCount,
              }}
            />
            {batch.errorCount > 0 ? (
              <details>
                <summary>
                  {batch.errorCount} {batch.errorCount === 1 ? "error" : "errors"}
                </summary>
                <IngestErrorList
                  errors={errors.map((error) => ({
                    file: error.file ?? batch.fileName,
                    line: error.line,
                    message: error.message,
                  }))}
                  hidden={batch.errorCount - errors.length}
                />
              </details>
            ) : null}
          </section>
        );
      })}
    </>
  );
}

function formatUtc(date: Date): string {
  return date.toISOString().replace("T", " ").slice(0, 19);
}

function unique(ids: (string | null)[]): string[] {
  return [...new Set(ids.filter((id): id is string => id !== null))];
}
