import { NextResponse } from "next/server";
import { can } from "@/lib/auth/permissions";
import { requestScope } from "@/lib/auth/scope";
import { forbidden, jsonRoute } from "@/lib/http/errors";
import { dailySpendByGroup, dailySpendQuerySchema } from "@/lib/queries/daily-spend-by-group";
import { searchParamsObject } from "@/lib/queries/params";

export const dynamic = "force-dynamic";

/** Spend per day split by a dimension: the overview's chart, read again when its stack-by changes. */
export const GET = jsonRoute(async (request) => {
  const scope = await requestScope(request, "spend:read-team");
  const query = dailySpendQuerySchema.parse(searchParamsObject(request.url));
  // As for spend: members see team aggregates, not other people's spend.
  if ((query.stackBy === "owner" || query.owner !== undefined) && !can(scope.actor, "spend:read-all")) {
    throw forbidden("spend by owner needs the manager or admin role, or a read key");
  }
  return NextResponse.json({ parts: await dailySpendByGroup(scope, query) });
});
