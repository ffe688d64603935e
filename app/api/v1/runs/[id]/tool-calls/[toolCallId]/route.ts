import { NextResponse } from "next/server";
import { requestScope } from "@/lib/auth/scope";
import { jsonRoute, notFound } from "@/lib/http/errors";
import { runIdSchema } from "@/lib/queries/run-detail";
import { toolCallIdSchema, toolOutput } from "@/lib/queries/tool-output";

export const dynamic = "force-dynamic";

export const GET = jsonRoute<{ params: Promise<{ id: string; toolCallId: string }> }>(async (request, { params }) => {
  const scope = await requestScope(request, "spend:read-team");
  const { id, toolCallId } = await params;
  const run = runIdSchema.safeParse(id);
  const tool = toolCallIdSchema.safeParse(toolCallId);
  const output = run.success && tool.success ? await toolOutput(scope, run.data, tool.data) : null;
  if (!output) throw notFound("tool call");
  return NextResponse.json({ toolCall: output });
});
