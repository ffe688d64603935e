import type { Metadata } from "next";
import Link from "next/link";
import { GetStartedIfEmpty } from "@/components/get-started-if-empty";
import { ActionForm } from "@/components/ownership/action-form";
import { CatalogActions } from "@/components/ownership/catalog-actions";
import { Choice, personLabel, personOptions, projectOptions, taskOptions } from "@/components/ownership/choice";
import { PatternHelp, PatternNoLongerAllowed, RuleFields } from "@/components/ownership/rule-fields";
import { SelectAll } from "@/components/ownership/select-all";
import { PageHead } from "@/components/page-head";
import { may, maySeeEveryonesSpend } from "@/lib/auth/policy";
import { pageScope } from "@/lib/auth/scope";
import { addDays, todayUtc } from "@/lib/days";
import { formatUsd } from "@/lib/format";
import {
  catalogAction,
  createPersonAction,
  createProjectAction,
  createTaskAction,
  discoveryAction,
  linkIdentityAction,
  queueAction,
  ruleChangeAction,
} from "@/lib/ownership/actions";
import { mergeSuggestions } from "@/lib/queries/merge-suggestions";
import { namesOf, ownershipSetup } from "@/lib/queries/ownership-setup";
import { MAX_PAGE_RANGE_DAYS } from "@/lib/queries/params";
import { getStartedSteps } from "@/lib/queries/team-has-runs";
import { type UnallocatedGroup, unallocatedGroups } from "@/lib/queries/unallocated-groups";

export const metadata: Metadata = { title: "Ownership" };

const identityKinds: Record<string, string> = {
  email: "telemetry email",
  "os-user": "OS user",
  uploader: "uploader",
  "api-key": "API key",
};

/** The runs a count of all time stands for: the runs list with the widest range a page shows. */
function allRunsHref(filter: "owner" | "project" | "task", id: string): string {
  const to = todayUtc();
  return `/runs?${new URLSearchParams({ [filter]: id, from: addDays(to, -(MAX_PAGE_RANGE_DAYS - 1)), to })}`;
}

/** What a queue group shares, in words: "OS user runner", "directory /srv/x". */
function signalLabel(group: UnallocatedGroup) {
  if (group.field === "identity") return identityKinds[group.detail ?? ""] ?? "identity";
  return { repository: "repository", cwd: "directory", source: "source" }[group.field];
}

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? "" : "s"}`;

export default async function OwnershipPage() {
  const scope = await pageScope();
  const admin = may(scope, "ownership:edit");
  const readAll = maySeeEveryonesSpend(scope);
  const [setup, queue, suggestions] = await Promise.all([
    ownershipSetup(scope),
    unallocatedGroups(scope),
    readAll ? mergeSuggestions(scope) : Promise.resolve([]),
  ]);
  const names = namesOf(setup);
  const identitiesOf = new Map<string, typeof setup.identities>();
  for (const identity of setup.identities)
    if (identity.personId)
      identitiesOf.set(identity.personId, [...(identitiesOf.get(identity.personId) ?? []), identity]);
  const { discoverOwners, discoverProjects, discoverTasks } = setup.discovery;
  return (
    <>
      <PageHead
        title="Ownership"
        subtitle={
          admin
            ? "Every dollar lands on an owner, or visibly in Unallocated. Owners, projects and tasks are discovered from the data; rules apply top to bottom above that, and a manual assignment beats them all."
            : readAll
              ? "Who owns the spend. Only admins can change it."
              : "Your identities and the team's rules. Only admins can change them; other people's spend is theirs to see."
        }
      >
        {readAll ? <Link href="/ownership/audit">Audit log</Link> : null}
      </PageHead>
      <nav className="section-nav" aria-label="Ownership sections">
        {readAll ? <a href="#unallocated">Unallocated</a> : null}
        <a href="#people">People</a>
        <a href="#projects">Projects and tasks</a>
        <a href="#rules">Rules</a>
        <a href="#discovery">Discovery</a>
      </nav>
      {readAll ? (
        <GetStartedIfEmpty steps={await getStartedSteps(scope)}>
          <section className="panel" id="unallocated" data-testid="unallocated-queue">
            <h2>
              Unallocated: {formatUsd(queue.totalUsd)} in {plural(queue.totalRuns, "run")}
            </h2>
            <p className="muted">Runs without an owner or a project, grouped by the strongest thing they share.</p>
            {queue.groups.length === 0 ? (
              <p className="muted">Every run has an owner and a project.</p>
            ) : (
              <ActionForm action={queueAction} testId="queue-form">
                <table className="compact">
                  <thead>
                    <tr>
                      <th>{admin ? <SelectAll name="group" /> : null}</th>
                      <th>Runs sharing</th>
                      <th>Lacks</th>
                      <th className="num">Runs</th>
                      <th className="num">Spend</th>
                    </tr>
                  </thead>
                  <tbody>
                    {queue.groups.map((group) => (
                      <tr
                        key={`${group.field}:${group.value}`}
                        className="queue-row"
                        data-testid="unallocated-group"
                        data-value={group.value}
                      >
                        <td>
                          {admin ? (
                            <input
                              type="checkbox"
                              name="group"
                              value={`${group.field}\u001f${group.value}`}
                              aria-label={`Select ${signalLabel(group)} ${group.value}`}
                            />
                          ) : null}
                        </td>
                        <td>
                          <span className="badge">{signalLabel(group)}</span> <code>{group.value}</code>
                        </td>
                        <td className="muted">
                          {[
                            group.withoutOwner > 0 && `owner (${group.withoutOwner})`,
                            group.withoutProject > 0 && `project (${group.withoutProject})`,
                          ]
                            .filter(Boolean)
                            .join(", ")}
                        </td>
                        <td className="num">{group.runs}</td>
                        <td className="num">{formatUsd(group.costUsd)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                {admin ? (
                  <div className="queue-bulk">
                    <label>
                      Owner
                      <Choice name="ownerId" options={personOptions(setup.people)} empty="(leave as is)" />
                    </label>
                    <label>
                      Project
                      <Choice name="projectId" options={projectOptions(setup.projects)} empty="(leave as is)" />
                    </label>
                    <label>
                      Task
                      <Choice name="taskId" options={taskOptions(setup.tasks)} empty="(leave as is)" />
                    </label>
                    <button type="submit" name="intent" value="assign" className="secondary">
                      Assign selected
                    </button>
                    <button type="submit" name="intent" value="rule">
                      Make rules of selected
                    </button>
                  </div>
                ) : null}
              </ActionForm>
            )}
          </section>
        </GetStartedIfEmpty>
      ) : null}

      {suggestions.length > 0 ? (
        <section className="panel" id="merge-suggestions" data-testid="merge-suggestions">
          <h2>Probably the same person</h2>
          <table className="compact">
            <tbody>
              {suggestions.map((suggestion) => (
                <tr key={`${suggestion.sourceId}:${suggestion.targetId}`}>
                  <td>
                    <strong>{suggestion.sourceName}</strong> and{" "}
                    <strong>
                      {personLabel({ displayName: suggestion.targetName, email: suggestion.targetEmail })}
                    </strong>
                    <span className="provenance"> · {suggestion.reason}</span>
                  </td>
                  <td>
                    {admin ? (
                      <ActionForm action={catalogAction}>
                        <input type="hidden" name="kind" value="person" />
                        <input type="hidden" name="op" value="merge" />
                        <input type="hidden" name="id" value={suggestion.sourceId} />
                        <input type="hidden" name="targetId" value={suggestion.targetId} />
                        <button
                          type="submit"
                          className="secondary"
                          aria-label={`Merge ${suggestion.sourceName} into ${suggestion.targetName}`}
                        >
                          Merge into {suggestion.targetName}
                        </button>
                      </ActionForm>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}

      <section className="panel" id="people">
        <h2>{readAll ? `People (${setup.people.length})` : "You"}</h2>
        <table className="compact" data-testid="people">
          <thead>
            <tr>
              <th>Person</th>
              <th>Identities in the traces</th>
              {readAll ? <th className="num">Runs</th> : null}
              {readAll ? <th className="num">Spend</th> : null}
              {admin ? <th></th> : null}
            </tr>
          </thead>
          <tbody>
            {setup.people.map((person) => (
              <tr key={person.id} data-testid="person-row" data-name={person.displayName}>
                <td>
                  {person.displayName}
                  {person.email && person.email !== person.displayName ? (
                    <span className="provenance"> · {person.email}</span>
                  ) : null}
                  {person.userId ? <span className="badge">member</span> : null}
                </td>
                <td>
                  {(identitiesOf.get(person.id) ?? []).map((identity) => (
                    <span
                      key={identity.id}
                      className="badge"
                      title={identity.personSetBy === "discovery" ? "found by discovery" : undefined}
                    >
                      {identityKinds[identity.kind] ?? identity.kind}{" "}
                      {identity.kind === "api-key" ? "" : identity.value}
                    </span>
                  ))}
                </td>
                {readAll ? (
                  <td className="num">
                    <Link href={allRunsHref("owner", person.id)}>{person.runs}</Link>
                  </td>
                ) : null}
                {readAll ? <td className="num">{formatUsd(person.costUsd)}</td> : null}
                {admin ? (
                  <td>
                    <CatalogActions
                      kind="person"
                      id={person.id}
                      name={person.displayName}
                      email={person.userId ? null : (person.email ?? "")}
                      mergeTargets={
                        person.userId ? [] : personOptions(setup.people.filter((other) => other.id !== person.id))
                      }
                      canDelete={!person.userId}
                    />
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
        {admin ? (
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
        ) : null}
        {readAll ? (
          <details style={{ marginTop: 10 }}>
            <summary>Every identity the traces name ({setup.identities.length}), and who it is</summary>
            <table className="compact" data-testid="identities">
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
                      <span className="badge">{identityKinds[identity.kind] ?? identity.kind}</span> {identity.value}
                    </td>
                    <td className="num">{identity.runs}</td>
                    <td className="num">{formatUsd(identity.costUsd)}</td>
                    <td>
                      {admin ? (
                        // Keyed by the person linked: after Link the select shows the new person, not the old default.
                        <form key={identity.personId ?? ""} action={linkIdentityAction} className="inline">
                          <input type="hidden" name="identityId" value={identity.id} />
                          <Choice
                            name="personId"
                            options={personOptions(setup.people)}
                            empty="(nobody)"
                            defaultValue={identity.personId ?? ""}
                            label={`Person for ${identity.value}`}
                          />
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
          </details>
        ) : null}
      </section>

      <section className="panel" id="projects">
        <h2>Projects ({setup.projects.length})</h2>
        {setup.projects.length === 0 ? (
          <p className="muted">No projects yet: they are discovered from each run&apos;s repository, or added here.</p>
        ) : null}
        <table className="compact" hidden={setup.projects.length === 0} data-testid="projects">
          <thead>
            <tr>
              <th>Project</th>
              <th>Found from</th>
              <th className="num">Runs</th>
              <th className="num">Spend</th>
              {admin ? <th></th> : null}
            </tr>
          </thead>
          <tbody>
            {setup.projects.map((project) => (
              <tr key={project.id} data-testid="project-row" data-name={project.name}>
                <td>{project.name}</td>
                <td className="muted">
                  {[
                    project.discoveryKeys.length > 0 && `repository ${project.discoveryKeys.join(", ")}`,
                    project.repositoryPattern && `remote ${project.repositoryPattern}`,
                    project.pathPattern && `path ${project.pathPattern}`,
                  ]
                    .filter(Boolean)
                    .join("; ")}
                  {project.repositoryPattern ? <PatternNoLongerAllowed pattern={project.repositoryPattern} /> : null}
                  {project.pathPattern ? <PatternNoLongerAllowed pattern={project.pathPattern} /> : null}
                </td>
                <td className="num">
                  <Link href={allRunsHref("project", project.id)}>{project.runs}</Link>
                </td>
                <td className="num">{formatUsd(project.costUsd)}</td>
                {admin ? (
                  <td>
                    <CatalogActions
                      kind="project"
                      id={project.id}
                      name={project.name}
                      mergeTargets={projectOptions(setup.projects.filter((other) => other.id !== project.id))}
                    />
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
        <h2 style={{ marginTop: 18 }}>Tasks ({setup.tasks.length})</h2>
        <p className="muted">
          From a ticket key such as ABC-123 in a run&apos;s branch or first prompt, else a branch that is not the
          default, else a pull request; or made by hand.
        </p>
        <table className="compact" hidden={setup.tasks.length === 0} data-testid="tasks">
          <thead>
            <tr>
              <th>Task</th>
              <th className="num">Runs</th>
              <th className="num">Spend</th>
              {admin ? <th></th> : null}
            </tr>
          </thead>
          <tbody>
            {setup.tasks.map((task) => (
              <tr key={task.id} data-testid="task-row" data-name={task.key}>
                <td>
                  {task.key}
                  {task.title ? <span className="provenance"> · {task.title}</span> : null}
                </td>
                <td className="num">
                  <Link href={allRunsHref("task", task.id)}>{task.runs}</Link>
                </td>
                <td className="num">{formatUsd(task.costUsd)}</td>
                {admin ? (
                  <td>
                    <CatalogActions
                      kind="task"
                      id={task.id}
                      name={task.key}
                      mergeTargets={taskOptions(setup.tasks.filter((other) => other.id !== task.id))}
                    />
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
        {admin ? (
          <div style={{ display: "flex", gap: 28, flexWrap: "wrap", marginTop: 10 }}>
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
                            disabled={
                              (change === "move-up" && index === 0) ||
                              (change === "move-down" && index === setup.rules.length - 1)
                            }
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

      <section className="panel" id="discovery" data-testid="discovery">
        <h2>Discovery</h2>
        <p className="muted">
          What the data says by itself, below rules and manual assignments: owners from telemetry emails, OS users (not
          service accounts such as root or runner), the uploader or the key&apos;s creator; projects from the
          repository; tasks from ticket keys, feature branches and pull requests.
        </p>
        {admin ? (
          <ActionForm action={discoveryAction} testId="discovery-form">
            <span className="switches">
              <label>
                <input type="checkbox" name="discoverOwners" defaultChecked={discoverOwners} /> Owners
              </label>
              <label>
                <input type="checkbox" name="discoverProjects" defaultChecked={discoverProjects} /> Projects
              </label>
              <label>
                <input type="checkbox" name="discoverTasks" defaultChecked={discoverTasks} /> Tasks
              </label>
            </span>
            <button type="submit" className="secondary">
              Save and apply to history
            </button>
          </ActionForm>
        ) : (
          <p>
            Owners {discoverOwners ? "on" : "off"}, projects {discoverProjects ? "on" : "off"}, tasks{" "}
            {discoverTasks ? "on" : "off"}.
          </p>
        )}
      </section>
    </>
  );
}
