import { NextResponse } from "next/server";
import { requestScope } from "@/lib/auth/scope";
import { jsonRoute, notFound } from "@/lib/http/errors";
import { runOutcome } from "@/lib/outcomes/run-outcome";
import { runDetail, runIdSchema } from "@/lib/queries/run-detail";

export const dynamic = "force-dynamic";

/** The run with its calls in order, and its latest outcome decision with what decided it (null when none). */
export const GET = jsonRoute<{ params: Promise<{ id: string }> }>(async (request, { params }) => {
  const scope = await requestScope(request, "spend:read-team");
  const parsed = runIdSchema.safeParse((await params).id);
  const detail = parsed.success ? await runDetail(scope, parsed.data) : null;
  if (!detail) throw notFound("run");
  return NextResponse.json({ ...detail, outcome: await runOutcome(scope, detail.run.id) });
});
