import type { Metadata } from "next";
import Link from "next/link";
import { GetStartedIfEmpty } from "@/components/get-started-if-empty";
import { ActionForm } from "@/components/ownership/action-form";
import { Choice, personOptions } from "@/components/ownership/choice";
import { PatternHelp, PatternNoLongerAllowed, RuleFields } from "@/components/ownership/rule-fields";
import { TargetSelects } from "@/components/ownership/target-selects";
import { PageHead } from "@/components/page-head";
import { can } from "@/lib/auth/permissions";
import { pageScope } from "@/lib/auth/scope";
import { formatUsd } from "@/lib/format";
import { namesOf, ownershipSetup } from "@/lib/queries/ownership-setup";
import { unallocatedGroups } from "@/lib/queries/unallocated-groups";
import {
  assignGroupAction,
  createPersonAction,
  createProjectAction,
  createTaskAction,
  linkIdentityAction,
  mergePeopleAction,
  ruleChangeAction,
} from "./actions";

export const metadata: Metadata = { title: "Ownership" };


export default async function OwnershipPage() {
  const scope = await pageScope();
  const admin = can(scope.actor, "ownership:edit");
  const [setup, queue] = await Promise.all([ownershipSetup(scope), unallocatedGroups(scope)]);
  const names = namesOf(setup);
  return (
    <>
      <PageHead
        title="Ownership"
        subtitle={admin ? "Every dollar lands on an owner, or visibly in Unallocated. Rules apply top to bottom; a manual assignment beats them all." : "Who owns the spend. Only admins can change it."}
      >
        <Link href="/ownership/audit">Audit log</Link>
      </PageHead>
      <nav className="section-nav" aria-label="Ownership sections">
        <a href="#unallocated">Unallocated</a>
        <a href="#rules">Rules</a>
        <a href="#people">People and identities</a>
        <a href="#projects">Projects and tasks</a>
      </nav>
      <GetStartedIfEmpty scope={scope}>
        <section className="panel" id="unallocated" data-testid="unallocated-queue">
          <h2>
            Unallocated: {formatUsd(queue.totalUsd)} in {queue.totalRuns} run{queue.totalRuns === 1 ? "" : "s"}
          </h2>
          {queue.groups.length === 0 ? (
            <p className="muted">Every run has an owner.</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th>Runs sharing</th>
                  <th className="num">Runs</th>
                  <th className="num">Spend</th>
                  {admin ? <th>Assign</th> : null}
                </tr>
              </thead>
              <tbody>
                {queue.groups.map((group) => (
                  <tr key={`${group.field}:${group.value}`} className="queue-row" data-testid="unallocated-group" data-value={group.value}>
                    <td>
                      <span className="badge">{group.field === "cwd" ? "directory" : (group.detail ?? "identity")}</span> <code>{group.value}</code>
                    </td>
                    <td className="num">{group.runs}</td>
                    <td className="num">{formatUsd(group.costUsd)}</td>
                    {admin ? (
                      <td>
                        <ActionForm action={assignGroupAction}>
                          <input type="hidden" name="field" value={group.field} />
                          <input type="hidden" name="value" value={group.value} />
                          <input type="hidden" name="runIds" value={group.runIds.join(",")} />
                          <TargetSelects people={setup.people} projects={setup.projects} />
                          <button type="submit" name="intent" value="assign" className="secondary">
                            Assign these runs
                          </button>
                          <button type="submit" name="intent" value="rule">
                            Make this a rule
                          </button>
                        </ActionForm>
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      </GetStartedIfEmpty>

      <section className="panel" id="rules">
        <h2>Rules, in order of precedence</h2>
        {setup.rules.length === 0 ? <p className="muted">No rules yet.</p> : null}
        {setup.rules.length > 0 ? (
          <table data-testid="rules">
            <thead>
              <tr>
                <th>#</th>
                <th>Rule</th>
                <th>When</th>
                <th>Sets</th>
                {admin ? <th></th> : null}
              </tr>
            </thead>
            <tbody>
              {setup.rules.map((rule, index) => (
                <tr key={rule.id}>
                  <td>{index + 1}</td>
                  <td>{rule.name}</td>
                  <td>
                    {rule.matchField} matches <code>{rule.pattern}</code>
                    <PatternNoLongerAllowed pattern={rule.pattern} />
                  </td>
                  <td>
                    {[
                      rule.setOwnerId && `owner ${names.get(rule.setOwnerId) ?? "?"}`,
                      rule.setProjectId && `project ${names.get(rule.setProjectId) ?? "?"}`,
                      rule.setTaskId && `task ${names.get(rule.setTaskId) ?? "?"}`,
                    ]
                      .filter(Boolean)
                      .join(", ")}
                  </td>
                  {admin ? (
                    <td className="rule-order">
                      {(["move-up", "move-down", "delete"] as const).map((change) => (
                        <ActionForm key={change} action={ruleChangeAction}>
                          <input type="hidden" name="change" value={change} />
                          <input type="hidden" name="id" value={rule.id} />
                          <button
                            type="submit"
                            name="intent"
                            value="preview"
                            className={change === "delete" ? "danger" : "secondary"}
                            disabled={(change === "move-up" && index === 0) || (change === "move-down" && index === setup.rules.length - 1)}
                            aria-label={`${change === "delete" ? "Delete" : change === "move-up" ? "Move up" : "Move down"} ${rule.name}`}
                          >
                            {change === "delete" ? "Delete" : change === "move-up" ? "↑" : "↓"}
                          </button>
                        </ActionForm>
                      ))}
                      <details>
                        <summary>Edit</summary>
                        <ActionForm action={ruleChangeAction}>
                          <input type="hidden" name="change" value="update" />
                          <input type="hidden" name="id" value={rule.id} />
                          <RuleFields rule={rule} people={setup.people} projects={setup.projects} tasks={setup.tasks} />
                          <button type="submit" name="intent" value="preview" className="secondary">
                            Preview
                          </button>
                        </ActionForm>
                      </details>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
        {admin ? (
          <>
            <h2 style={{ marginTop: 18 }}>Add a rule</h2>
            <ActionForm action={ruleChangeAction} testId="rule-form">
              <input type="hidden" name="change" value="create" />
              <RuleFields people={setup.people} projects={setup.projects} tasks={setup.tasks} />
              <button type="submit" name="intent" value="preview" className="secondary">
                Preview
              </button>
            </ActionForm>
          </>
        ) : null}
      </section>

      <section className="panel" id="people">
        <h2>People and the identities traces name</h2>
        <table data-testid="identities">
          <thead>
            <tr>
              <th>Identity</th>
              <th className="num">Runs</th>
              <th className="num">Spend</th>
              <th>Person</th>
            </tr>
          </thead>
          <tbody>
            {setup.identities.map((identity) => (
              <tr key={identity.id}>
                <td>
                  <span className="badge">{identity.kind}</span> {identity.value}
                </td>
                <td className="num">{identity.runs}</td>
                <td className="num">{formatUsd(identity.costUsd)}</td>
                <td>
                  {admin ? (
                    <form action={linkIdentityAction} className="inline">
                      <input type="hidden" name="identityId" value={identity.id} />
                      <Choice name="personId" options={personOptions(setup.people)} empty="(nobody)" defaultValue={identity.personId ?? ""} label={`Person for ${identity.value}`} />
                      <button type="submit" className="secondary">
                        Link
                      </button>
                    </form>
                  ) : identity.personId ? (
                    names.get(identity.personId)
                  ) : (
                    <span className="muted">nobody</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="muted" style={{ marginTop: 10 }}>
          People: {setup.people.map((person) => `${person.displayName}${person.userId ? " (member)" : ""}`).join(", ") || "none yet"}.
        </p>
        {admin ? (
          <div style={{ display: "flex", gap: 28, flexWrap: "wrap" }}>
            <ActionForm action={createPersonAction} testId="person-form">
              <label>
                New person
                <input name="displayName" required maxLength={200} placeholder="Ana Silva" />
              </label>
              <label>
                Email (optional)
                <input name="email" type="email" maxLength={320} />
              </label>
              <button type="submit">Add person</button>
            </ActionForm>
            <ActionForm action={mergePeopleAction}>
              <label>
                Merge
                <Choice name="sourceId" options={personOptions(setup.people.filter((p) => !p.userId))} required />
              </label>
              <label>
                into
                <Choice name="targetId" options={personOptions(setup.people)} required />
              </label>
              <button type="submit" className="secondary">
                Merge
              </button>
            </ActionForm>
          </div>
        ) : null}
      </section>

      <section className="panel" id="projects">
        <h2>Projects and tasks</h2>
        {setup.projects.length === 0 ? <p className="muted">No projects yet: add one with the repository or directory its runs share.</p> : null}
        <table hidden={setup.projects.length === 0}>
          <thead>
            <tr>
              <th>Project</th>
              <th>Repository pattern</th>
              <th>Path pattern</th>
            </tr>
          </thead>
          <tbody>
            {setup.projects.map((project) => (
              <tr key={project.id}>
                <td>{project.name}</td>
                <td>
                  <code>{project.repositoryPattern ?? ""}</code>
                  {project.repositoryPattern ? <PatternNoLongerAllowed pattern={project.repositoryPattern} /> : null}
                </td>
                <td>
                  <code>{project.pathPattern ?? ""}</code>
                  {project.pathPattern ? <PatternNoLongerAllowed pattern={project.pathPattern} /> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="muted" style={{ marginTop: 10 }}>
          Tasks come from ticket keys such as ABC-123 in a run&apos;s branch or first prompt, or are made by hand: {setup.tasks.map((task) => task.key).join(", ") || "none yet"}.
        </p>
        {admin ? (
          <div style={{ display: "flex", gap: 28, flexWrap: "wrap" }}>
            <ActionForm action={createProjectAction}>
              <label>
                New project
                <input name="name" required maxLength={200} />
              </label>
              <label>
                Repository (glob)
                <input name="repositoryPattern" maxLength={500} placeholder="*github.com/acme/api*" />
              </label>
              <label>
                Path (glob)
                <input name="pathPattern" maxLength={500} placeholder="**/api{,/**}" />
              </label>
              <PatternHelp />
              <button type="submit">Add project</button>
            </ActionForm>
            <ActionForm action={createTaskAction}>
              <label>
                New task key
                <input name="key" required maxLength={100} placeholder="ABC-123" />
              </label>
              <label>
                Title
                <input name="title" maxLength={300} />
              </label>
              <button type="submit" className="secondary">
                Add task
              </button>
            </ActionForm>
          </div>
        ) : null}
      </section>
    </>
  );
}
