import type { Metadata } from "next";
import { GetStarted } from "@/components/get-started";
import { PageHead } from "@/components/page-head";
import { can } from "@/lib/auth/permissions";
import { pageScope } from "@/lib/auth/scope";
import { requestOrigin } from "@/lib/http/origin";

export const metadata: Metadata = { title: "Waste" };

export default async function WastePage() {
  const scope = await pageScope();
  return (
    <>
      <PageHead title="Waste" subtitle="Spend that bought nothing, with the calls that prove it." />
      <GetStarted origin={await requestOrigin()} canManageKeys={can(scope.actor, "keys:manage")} />
    </>
  );
}
