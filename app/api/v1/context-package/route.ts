import { NextResponse } from "next/server";
import { can } from "@/lib/auth/permissions";
import { requestScope } from "@/lib/auth/scope";
import { contextPackageQuerySchema, contextPackageReport } from "@/lib/context-package/report";
import { forbidden, jsonRoute } from "@/lib/http/errors";
import { searchParamsObject } from "@/lib/queries/params";

export const dynamic = "force-dynamic";

export const GET = jsonRoute(async (request) => {
  const scope = await requestScope(request, "spend:read-team");
  const query = contextPackageQuerySchema.parse(searchParamsObject(request.url));
  // As for spend and waste: members see team aggregates, not other people's runs.
  if (query.groupBy === "run" && !can(scope.actor, "spend:read-all"))
    throw forbidden("the context package by run needs the manager or admin role, or a read key");
  return NextResponse.json(await contextPackageReport(scope, query), { headers: { "cache-control": "no-store" } });
});
