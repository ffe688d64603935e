import { NextResponse } from "next/server";
import { requestScope } from "@/lib/auth/scope";
import { assertCanManageBilling } from "@/lib/billing/billing-sources";
import { syncBillingSource } from "@/lib/billing/sync-billing-source";
import { jsonRoute } from "@/lib/http/errors";
import { searchParamsObject } from "@/lib/queries/params";

export const dynamic = "force-dynamic";

/** Pulls `from`..`to` (inclusive UTC days, the last 30 by default) now and answers {days, billedUsd}. */
export const POST = jsonRoute<{ params: Promise<{ id: string }> }>(async (request, { params }) => {
  const scope = await requestScope(request, "spend:read-team");
  assertCanManageBilling(scope);
  return NextResponse.json(await syncBillingSource(scope, (await params).id, searchParamsObject(request.url)));
});
