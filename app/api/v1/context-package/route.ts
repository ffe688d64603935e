import { NextResponse } from "next/server";
import { requestScope } from "@/lib/auth/scope";
import { contextPackageQuerySchema, contextPackageReport } from "@/lib/context-package/report";
import { jsonRoute } from "@/lib/http/errors";
import { searchParamsObject } from "@/lib/queries/params";

export const dynamic = "force-dynamic";

export const GET = jsonRoute(async (request) => {
  const scope = await requestScope(request, "spend:read-team");
  const query = contextPackageQuerySchema.parse(searchParamsObject(request.url));
  return NextResponse.json(await contextPackageReport(scope, query), { headers: { "cache-control": "no-store" } });
});
