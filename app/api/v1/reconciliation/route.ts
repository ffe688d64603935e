import { NextResponse } from "next/server";
import { requestScope } from "@/lib/auth/scope";
import { reconciliation, reconciliationQuerySchema, reconciliationResponse } from "@/lib/billing/reconciliation";
import { jsonRoute } from "@/lib/http/errors";
import { searchParamsObject } from "@/lib/queries/params";

export const dynamic = "force-dynamic";

/** Billed against traced spend by day, model or provider (read keys, managers and admins). */
export const GET = jsonRoute(async (request) => {
  const scope = await requestScope(request, "spend:read-all");
  const query = reconciliationQuerySchema.parse(searchParamsObject(request.url));
  return NextResponse.json(reconciliationResponse(await reconciliation(scope, query)));
});
