import type { Metadata } from "next";
import { GetStartedIfEmpty } from "@/components/get-started-if-empty";
import { PageHead } from "@/components/page-head";
import { SpendTable } from "@/components/spend/spend-table";
import { pageScope } from "@/lib/auth/scope";
import { addDays, todayUtc } from "@/lib/queries/params";
import { spendByGroup } from "@/lib/queries/spend-by-group";

export const metadata: Metadata = { title: "Overview" };

export default async function OverviewPage() {
  const scope = await pageScope();
  const to = todayUtc();
  const from = addDays(to, -6);
  return (
    <>
      <PageHead title="Overview" subtitle={`Spend of the last 7 days (${from} to ${to}, UTC)`} />
      <GetStartedIfEmpty scope={scope}>
        <SpendTable title="By model" keyLabel="Model" result={await spendByGroup(scope, { from, to, groupBy: "model" })} />
        <SpendTable title="By day" keyLabel="Day" result={await spendByGroup(scope, { from, to, groupBy: "day" })} />
      </GetStartedIfEmpty>
    </>
  );
}
