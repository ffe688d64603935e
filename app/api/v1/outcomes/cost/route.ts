import { NextResponse } from "next/server";
import { can } from "@/lib/auth/permissions";
import { requestScope } from "@/lib/auth/scope";
import { forbidden, jsonRoute } from "@/lib/http/errors";
import { costPerOutcome, outcomeCostQuerySchema } from "@/lib/queries/cost-per-outcome";
import { searchParamsObject } from "@/lib/queries/params";

export const dynamic = "force-dynamic";

export const GET = jsonRoute(async (request) => {
  const scope = await requestScope(request, "spend:read-team");
  const query = outcomeCostQuerySchema.parse(searchParamsObject(request.url));
  // As with the spend API: members see team aggregates, not other people's spend.
  if ((query.groupBy === "owner" || query.owner !== undefined) && !can(scope.actor, "spend:read-all"))
    throw forbidden("cost by owner needs the manager or admin role, or a read key");
  return NextResponse.json(await costPerOutcome(scope, query));
});
