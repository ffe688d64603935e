import type { Metadata } from "next";
import { GetStarted } from "@/components/get-started";
import { PageHead } from "@/components/page-head";
import { can } from "@/lib/auth/permissions";
import { pageScope } from "@/lib/auth/scope";
import { requestOrigin } from "@/lib/http/origin";

export const metadata: Metadata = { title: "Ownership" };

export default async function OwnershipPage() {
  const scope = await pageScope();
  return (
    <>
      <PageHead title="Ownership" subtitle="Who owns the spend: people, projects, tasks and the rules that assign them." />
      <GetStarted origin={await requestOrigin()} canManageKeys={can(scope.actor, "keys:manage")} />
    </>
  );
}
