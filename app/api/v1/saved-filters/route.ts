import { NextResponse } from "next/server";
import { requestScope } from "@/lib/auth/scope";
import { listSavedFilters, saveFilter } from "@/lib/compare/saved-filters";
import { jsonRoute } from "@/lib/http/errors";
import { readJsonBody } from "@/lib/http/read-body";

export const dynamic = "force-dynamic";

/** `{"name", "spec"}`: a name and a cohort spec of at most 600 characters. */
const MAX_BODY_BYTES = 4 * 1024;

/** `GET /api/v1/saved-filters` -> `{filters: [{id, name, spec}]}`. */
export const GET = jsonRoute(async (request) => {
  const scope = await requestScope(request, "spend:read-team");
  return NextResponse.json({ filters: await listSavedFilters(scope) });
});

/** `POST /api/v1/saved-filters {"name", "spec"}` -> 201 `{filter}` (200 when it replaced that name's spec). */
export const POST = jsonRoute(async (request) => {
  const scope = await requestScope(request, "spend:read-team");
  const { filter, created } = await saveFilter(scope, await readJsonBody(request, MAX_BODY_BYTES));
  return NextResponse.json({ filter }, { status: created ? 201 : 200 });
});
