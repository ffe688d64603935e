import { NextResponse } from "next/server";
import { requestScope } from "@/lib/auth/scope";
import { jsonRoute } from "@/lib/http/errors";
import { dailySpendByGroup, dailySpendQuerySchema } from "@/lib/queries/daily-spend-by-group";
import { searchParamsObject } from "@/lib/queries/params";

export const dynamic = "force-dynamic";

/** Spend per day split by a dimension: the overview's chart, read again when its stack-by changes. */
export const GET = jsonRoute(async (request) => {
  const scope = await requestScope(request, "spend:read-team");
  const query = dailySpendQuerySchema.parse(searchParamsObject(request.url));
  // As for spend, the query refuses members a split by owner (lib/auth/policy.ts).
  return NextResponse.json({ parts: await dailySpendByGroup(scope, query) });
});
