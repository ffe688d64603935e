import { NextResponse } from "next/server";
import { can } from "@/lib/auth/permissions";
import { requestScope } from "@/lib/auth/scope";
import { forbidden, jsonRoute } from "@/lib/http/errors";
import { searchParamsObject } from "@/lib/queries/params";
import { wasteByGroup, wasteQuerySchema } from "@/lib/waste/queries/waste-by-group";

export const dynamic = "force-dynamic";

export const GET = jsonRoute(async (request) => {
  const scope = await requestScope(request, "spend:read-team");
  const query = wasteQuerySchema.parse(searchParamsObject(request.url));
  // As for spend: members see team aggregates, not other people's (or runs') waste.
  if ((query.groupBy === "owner" || query.groupBy === "run") && !can(scope.actor, "spend:read-all")) {
    throw forbidden("waste by owner or run needs the manager or admin role, or a read key");
  }
  return NextResponse.json(await wasteByGroup(scope, query));
});
