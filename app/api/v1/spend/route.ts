import { NextResponse } from "next/server";
import { can } from "@/lib/auth/permissions";
import { requestScope } from "@/lib/auth/scope";
import { forbidden, jsonRoute } from "@/lib/http/errors";
import { searchParamsObject } from "@/lib/queries/params";
import { spendByGroup, spendQuerySchema } from "@/lib/queries/spend-by-group";

export const dynamic = "force-dynamic";

export const GET = jsonRoute(async (request) => {
  const scope = await requestScope(request, "spend:read-team");
  const query = spendQuerySchema.parse(searchParamsObject(request.url));
  // Members see team aggregates, not other people's spend.
  if ((query.groupBy === "owner" || query.owner !== undefined) && !can(scope.actor, "spend:read-all")) {
    throw forbidden("spend by owner needs the manager or admin role, or a read key");
  }
  return NextResponse.json(await spendByGroup(scope, query));
});
