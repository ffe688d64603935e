import { NextResponse } from "next/server";
import { assertMay } from "@/lib/auth/policy";
import { requestScope } from "@/lib/auth/scope";
import { syncBillingSource } from "@/lib/billing/sync-billing-source";
import { jsonRoute } from "@/lib/http/errors";
import { searchParamsObject } from "@/lib/queries/params";

export const dynamic = "force-dynamic";

/** Pulls `from`..`to` (inclusive UTC days, the last 30 by default) now and answers {days, billedUsd}. */
export const POST = jsonRoute<{ params: Promise<{ id: string }> }>(async (request, { params }) => {
  const scope = await requestScope(request, "spend:read-team");
  assertMay(scope, "settings:manage", "billing sources need an admin, or a key of scope all");
  return NextResponse.json(await syncBillingSource(scope, (await params).id, searchParamsObject(request.url)));
});
