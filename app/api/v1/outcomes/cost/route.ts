import { NextResponse } from "next/server";
import { requestScope } from "@/lib/auth/scope";
import { jsonRoute } from "@/lib/http/errors";
import { costPerOutcome, outcomeCostQuerySchema } from "@/lib/queries/cost-per-outcome";
import { searchParamsObject } from "@/lib/queries/params";

export const dynamic = "force-dynamic";

export const GET = jsonRoute(async (request) => {
  const scope = await requestScope(request, "spend:read-team");
  const query = outcomeCostQuerySchema.parse(searchParamsObject(request.url));
  return NextResponse.json(await costPerOutcome(scope, query));
});
