import { requestScope } from "@/lib/auth/scope";
import { teamMetrics } from "@/lib/budgets/metrics";
import { jsonRoute } from "@/lib/http/errors";

export const dynamic = "force-dynamic";

/** Prometheus text format for the team's own monitoring; owners' spend is in it, so it needs what reading owners needs. */
export const GET = jsonRoute(async (request) => {
  const scope = await requestScope(request, "spend:read-all");
  const { contentType, body } = await teamMetrics(scope);
  return new Response(body, { headers: { "content-type": contentType, "cache-control": "no-store" } });
});
