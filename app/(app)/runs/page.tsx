import type { Metadata } from "next";
import { GetStartedIfEmpty } from "@/components/get-started-if-empty";
import { PageHead } from "@/components/page-head";
import { RunsTable } from "@/components/runs/runs-table";
import { pageScope } from "@/lib/auth/scope";
import { runsQuerySchema, runsList } from "@/lib/queries/runs-list";

export const metadata: Metadata = { title: "Runs" };

export default async function RunsPage({ searchParams }: { searchParams: Promise<Record<string, string>> }) {
  const scope = await pageScope();
  const query = runsQuerySchema.parse(await searchParams);
  return (
    <>
      <PageHead title="Runs" subtitle={`Agent sessions started ${query.from} to ${query.to} (UTC), most expensive first`} />
      <GetStartedIfEmpty scope={scope}>
        <RunsTable runs={await runsList(scope, query)} />
      </GetStartedIfEmpty>
    </>
  );
}
