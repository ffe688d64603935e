import { NextResponse } from "next/server";
import { requestScope } from "@/lib/auth/scope";
import { jsonRoute, notFound } from "@/lib/http/errors";
import { runIdSchema } from "@/lib/queries/run-detail";
import { runFindings } from "@/lib/waste/queries/run-findings";

export const dynamic = "force-dynamic";

export const GET = jsonRoute<{ params: Promise<{ id: string }> }>(async (request, { params }) => {
  const scope = await requestScope(request, "spend:read-team");
  const parsed = runIdSchema.safeParse((await params).id);
  const findings = parsed.success ? await runFindings(scope, parsed.data) : null;
  if (!findings) throw notFound("run");
  return NextResponse.json({ findings });
});
