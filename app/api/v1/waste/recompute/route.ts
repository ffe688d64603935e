import { NextResponse } from "next/server";
import { requestScope } from "@/lib/auth/scope";
import { jsonRoute } from "@/lib/http/errors";
import { latestRecomputeJob } from "@/lib/waste/recompute-job";

export const dynamic = "force-dynamic";

/** The team's latest recompute of findings, for the Waste page's progress (those who may start one). */
export const GET = jsonRoute(async (request) => {
  const scope = await requestScope(request, "prices:manage");
  return NextResponse.json({ job: await latestRecomputeJob(scope.teamId) });
});
