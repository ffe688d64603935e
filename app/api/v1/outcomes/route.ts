import { NextResponse } from "next/server";
import { requestScope } from "@/lib/auth/scope";
import { jsonRoute, notFound } from "@/lib/http/errors";
import { readJsonBody } from "@/lib/http/read-body";
import {
  findDecidableRun,
  MAX_OUTCOME_BODY_BYTES,
  outcomeActor,
  outcomeRequestSchema,
  recordOutcomes,
} from "@/lib/outcomes/record-outcome";

export const dynamic = "force-dynamic";

export const POST = jsonRoute(async (request) => {
  const scope = await requestScope(request, "outcomes:write");
  const body = outcomeRequestSchema.parse(await readJsonBody(request, MAX_OUTCOME_BODY_BYTES));
  const runId = await findDecidableRun(
    scope,
    body.runId !== undefined ? { runId: body.runId } : { externalId: body.externalId! },
  );
  if (!runId) throw notFound("run");
  const [outcome] = await recordOutcomes(
    scope,
    { runIds: [runId], status: body.status, source: "api", evidence: body.evidence },
    outcomeActor(scope),
  );
  return NextResponse.json({ outcome }, { status: 201 });
});
