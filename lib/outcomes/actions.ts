"use server";

import { revalidatePath } from "next/cache";
import { pageScope } from "@/lib/auth/scope";
import { findDecidableRun, outcomeActor, outcomeStatusSchema, recordOutcomes } from "@/lib/outcomes/record-outcome";
import { runIdSchema } from "@/lib/queries/run-detail";

/** Marks a run by hand: admins and managers any run of the team, members their own (checked by findDecidableRun). */
export async function markRunOutcomeAction(form: FormData): Promise<void> {
  const scope = await pageScope("outcomes:write");
  const runId = runIdSchema.parse(form.get("runId"));
  const status = outcomeStatusSchema.parse(form.get("status"));
  // Postgres text cannot hold NUL bytes: dropped from the note rather than failing the request.
  const note = String(form.get("evidence") ?? "")
    .replaceAll("\u0000", "")
    .trim()
    .slice(0, 2000);
  if (!(await findDecidableRun(scope, { runId }))) return;
  await recordOutcomes(
    scope,
    { runIds: [runId], status, source: "manual", evidence: note || null },
    outcomeActor(scope),
  );
  revalidatePath(`/runs/${runId}`);
}
