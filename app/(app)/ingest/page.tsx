import type { Metadata } from "next";
import Link from "next/link";
import { GetStarted } from "@/components/get-started";
import { TraceUploader } from "@/components/ingest/trace-uploader";
import { PageHead } from "@/components/page-head";
import { may } from "@/lib/auth/policy";
import { pageScope } from "@/lib/auth/scope";
import { requestOrigin } from "@/lib/http/origin";

export const metadata: Metadata = { title: "Ingest" };

export default async function IngestPage() {
  const scope = await pageScope();
  return (
    <>
      <PageHead title="Ingest" subtitle="Bring traces in: upload files, push from machines, or stream telemetry.">
        <Link href="/ingest/history">Ingest history</Link>
      </PageHead>
      <TraceUploader />
      <GetStarted
        origin={await requestOrigin()}
        canManageKeys={may(scope, "keys:manage")}
        title="Every way to bring traces in"
      />
    </>
  );
}
