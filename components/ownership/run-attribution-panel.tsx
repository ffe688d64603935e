import { assignRunAction, splitRunAction } from "@/lib/ownership/actions";
import type { FieldAttribution, RunAttribution } from "@/lib/queries/run-attribution";
import { ActionForm } from "./action-form";
import { Choice, personOptions, projectOptions, taskOptions } from "./choice";

function Field({ label, value }: { label: string; value: FieldAttribution & { email?: string | null } }) {
  return (
    <div data-testid={`run-${label.toLowerCase()}`}>
      <strong>{label}:</strong> {value.name ?? <span className="muted">unallocated</span>}
      {value.email ? <span className="provenance"> ({value.email})</span> : null}
      {value.setBy ? <span className="provenance"> · {value.setBy}</span> : null}
    </div>
  );
}

/** Who owns a run and what decided it; admins (`canEdit`) can assign it by hand or split it among owners. */
export function RunAttributionPanel({
  runId,
  attribution,
  canEdit: admin,
}: {
  runId: string;
  attribution: RunAttribution;
  canEdit: boolean;
}) {
  return (
    <section className="panel" data-testid="run-attribution">
      <h2>Ownership</h2>
      <Field label="Owner" value={attribution.owner} />
      <Field label="Project" value={attribution.project} />
      <Field label="Task" value={attribution.task} />
      {attribution.shares.length > 0 ? (
        <p>Split: {attribution.shares.map((share) => `${share.name} ${share.percent}%`).join(", ")}</p>
      ) : null}
      {admin ? (
        <details style={{ marginTop: 10 }}>
          <summary>Assign by hand or split</summary>
          <ActionForm action={assignRunAction}>
            <input type="hidden" name="runId" value={runId} />
            <label>
              Owner <KeepOrRulesChoice name="ownerId" options={personOptions(attribution.people)} />
            </label>
            <label>
              Project <KeepOrRulesChoice name="projectId" options={projectOptions(attribution.projects)} />
            </label>
            <label>
              Task <KeepOrRulesChoice name="taskId" options={taskOptions(attribution.tasks)} />
            </label>
            <button type="submit">Save</button>
          </ActionForm>
          <ActionForm action={splitRunAction}>
            <input type="hidden" name="runId" value={runId} />
            {[0, 1, 2].map((index) => (
              <span key={index} style={{ display: "contents" }}>
                <label>
                  Owner {index + 1}
                  <Choice
                    name="personId"
                    options={personOptions(attribution.people)}
                    empty="(none)"
                    defaultValue={attribution.shares[index]?.personId ?? ""}
                  />
                </label>
                <label>
                  %
                  <input
                    name="percent"
                    type="number"
                    min="0"
                    max="100"
                    step="0.0001"
                    defaultValue={attribution.shares[index]?.percent ?? ""}
                    style={{ width: 90 }}
                  />
                </label>
              </span>
            ))}
            <button type="submit" className="secondary">
              Save split
            </button>
          </ActionForm>
        </details>
      ) : null}
    </section>
  );
}

/** A hand assignment's choice: keep what is set, let the rules decide, or pick one. */
function KeepOrRulesChoice({ name, options }: { name: string; options: { id: string; label: string }[] }) {
  return (
    <Choice
      name={name}
      options={[{ id: "keep", label: "(keep)" }, ...options]}
      empty="(rules decide)"
      defaultValue="keep"
    />
  );
}
