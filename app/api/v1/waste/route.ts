import { NextResponse } from "next/server";
import { requestScope } from "@/lib/auth/scope";
import { jsonRoute } from "@/lib/http/errors";
import { searchParamsObject } from "@/lib/queries/params";
import { wasteByGroup, wasteQuerySchema } from "@/lib/waste/queries/waste-by-group";

export const dynamic = "force-dynamic";

export const GET = jsonRoute(async (request) => {
  const scope = await requestScope(request, "spend:read-team");
  const query = wasteQuerySchema.parse(searchParamsObject(request.url));
  return NextResponse.json(await wasteByGroup(scope, query));
});
