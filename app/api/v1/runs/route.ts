import { NextResponse } from "next/server";
import { requestScope } from "@/lib/auth/scope";
import { jsonRoute } from "@/lib/http/errors";
import { searchParamsObject } from "@/lib/queries/params";
import { runsPage, runsQuerySchema } from "@/lib/queries/runs-list";

export const dynamic = "force-dynamic";

export const GET = jsonRoute(async (request) => {
  const scope = await requestScope(request, "spend:read-team");
  const { runs, total } = await runsPage(scope, runsQuerySchema.parse(searchParamsObject(request.url)));
  return NextResponse.json({ runs, total });
});
