import { requestScope } from "@/lib/auth/scope";
import { deleteSavedFilter } from "@/lib/compare/saved-filters";
import { jsonRoute } from "@/lib/http/errors";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string }> };

/** `DELETE /api/v1/saved-filters/{id}` -> 204. */
export const DELETE = jsonRoute<Context>(async (request, { params }) => {
  const scope = await requestScope(request, "spend:read-team");
  await deleteSavedFilter(scope, (await params).id);
  return new Response(null, { status: 204 });
});
