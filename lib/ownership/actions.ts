"use server";

import { revalidatePath } from "next/cache";
import { ZodError } from "zod";
import { pageScope } from "@/lib/auth/scope";
import { formatUsd } from "@/lib/format";
import { type RuleField, ruleFields } from "@/lib/ownership/attribution";
import {
  assignRuns,
  createPerson,
  createProject,
  createRule,
  createTask,
  deletePerson,
  deleteProject,
  deleteRule,
  deleteTask,
  linkIdentity,
  mergePeople,
  mergeProjects,
  mergeTasks,
  moveRule,
  OwnershipError,
  OwnershipForbiddenError,
  renamePerson,
  renameProject,
  renameTask,
  ruleInputSchema,
  splitRun,
  updateDiscoverySettings,
  updateRule,
} from "@/lib/ownership/manage";
import { type AttributionMove, previewRules } from "@/lib/ownership/reattribute";
import { proposeRules, type RuleChange, ruleChanges } from "@/lib/ownership/rule-changes";
import { namesOf, ownershipSetup } from "@/lib/queries/ownership-setup";
import { unallocatedRunsOf } from "@/lib/queries/unallocated-groups";

export interface OwnershipFormState {
  error: string | null;
  message: string | null;
  /** Sentences describing what a rule would move, before it is applied. */
  preview?: string[];
}

const text = (form: FormData, name: string) => String(form.get(name) ?? "");

/** The admin's scope; others are sent to the forbidden page (and lib/ownership refuses them too). */
function editor() {
  return pageScope("ownership:edit");
}

/** Validation and domain errors become a message on the form; anything else is a real failure. */
async function attempt(work: () => Promise<string>): Promise<OwnershipFormState> {
  try {
    const message = await work();
    revalidatePath("/ownership", "layout");
    revalidatePath("/", "layout");
    return { error: null, message };
  } catch (error) {
    if (error instanceof ZodError)
      return { error: error.issues.map((issue) => `Enter ${issue.message}.`).join(" "), message: null };
    if (error instanceof OwnershipError || error instanceof OwnershipForbiddenError)
      return { error: error.message, message: null };
    throw error;
  }
}

function ruleFromForm(form: FormData) {
  return {
    name: text(form, "name"),
    matchField: text(form, "matchField") as RuleField,
    pattern: text(form, "pattern"),
    setOwnerId: text(form, "setOwnerId"),
    setProjectId: text(form, "setProjectId"),
    setTaskId: text(form, "setTaskId"),
  };
}

/**
 * Every rule change (add, edit, reorder, delete) previews first: what would move, in dollars and
 * runs, from whom to whom. "Apply to history" then makes the change and re-attributes history.
 */
export async function ruleChangeAction(_state: OwnershipFormState, form: FormData): Promise<OwnershipFormState> {
  const scope = await editor();
  const change = text(form, "change") as RuleChange;
  if (!ruleChanges.includes(change)) return { error: "Unknown change.", message: null };
  const id = text(form, "id");
  const needsInput = change === "create" || change === "update";
  if (text(form, "intent") === "apply") {
    return attempt(async () => {
      if (change === "create")
        return `Rule "${(await createRule(scope, ruleFromForm(form))).name}" applied to history.`;
      if (change === "update") await updateRule(scope, id, ruleFromForm(form));
      else if (change === "delete") await deleteRule(scope, id);
      else await moveRule(scope, id, change === "move-up" ? "up" : "down");
      return "Applied to history.";
    });
  }
  const parsed = needsInput ? ruleInputSchema.safeParse(ruleFromForm(form)) : null;
  if (parsed && !parsed.success)
    return { error: parsed.error.issues.map((issue) => `Enter ${issue.message}.`).join(" "), message: null };
  return describePreview(scope, await previewRules(scope.teamId, proposeRules(change, id, parsed?.data ?? null)));
}

/** Sentences for a preview: "Moves $12.40 across 7 runs of owner from Unallocated to Ana." */
async function describePreview(
  scope: Awaited<ReturnType<typeof editor>>,
  moves: AttributionMove[],
): Promise<OwnershipFormState> {
  const names = namesOf(await ownershipSetup(scope));
  const label = (target: string | null, field: string) =>
    target === null
      ? "Unallocated"
      : target.startsWith("new:")
        ? `new ${field} ${target.slice(4)}`
        : (names.get(target) ?? target);
  return {
    error: null,
    message: null,
    preview:
      moves.length === 0
        ? ["This would not change any run (other rules or manual assignments decide them)."]
        : moves.map(
            (move) =>
              `Moves ${formatUsd(move.costUsd)} across ${move.runs} run${move.runs === 1 ? "" : "s"} of ${move.field} from ${label(move.fromId, move.field)} to ${label(move.toId, move.field)}.`,
          ),
  };
}

/** The groups ticked in the unallocated queue, each "field<US>value". */
function pickedGroups(form: FormData): { field: RuleField; value: string }[] {
  return form.getAll("group").flatMap((entry) => {
    const [field, ...rest] = String(entry).split("\u001f");
    return field && (ruleFields as readonly string[]).includes(field)
      ? [{ field: field as RuleField, value: rest.join("\u001f") }]
      : [];
  });
}

/** A rule matching exactly one value: glob characters in it are escaped. */
const exactPattern = (value: string) => value.replace(/[\\*?[\]{}()!+@]/g, "\\$&");

const ruleForGroup = (
  group: { field: RuleField; value: string },
  targets: { ownerId: string; projectId: string; taskId: string },
) => ({
  name: `${group.field} is ${group.value}`.slice(0, 120),
  matchField: group.field,
  pattern: exactPattern(group.value),
  setOwnerId: targets.ownerId,
  setProjectId: targets.projectId,
  setTaskId: targets.taskId,
});

/**
 * The unallocated queue's bulk action over the ticked groups: assign their runs by hand, or make
 * one rule per group, previewed first like every rule change ("rule"), then applied ("apply").
 */
export async function queueAction(_state: OwnershipFormState, form: FormData): Promise<OwnershipFormState> {
  const scope = await editor();
  const groups = pickedGroups(form);
  const targets = { ownerId: text(form, "ownerId"), projectId: text(form, "projectId"), taskId: text(form, "taskId") };
  if (groups.length === 0) return { error: "Tick one or more groups.", message: null };
  if (!targets.ownerId && !targets.projectId && !targets.taskId)
    return { error: "Pick an owner, a project or a task.", message: null };
  const intent = text(form, "intent");
  if (intent === "assign") {
    const runIds = await unallocatedRunsOf(scope, groups);
    if (runIds.length === 0) return { error: "Those runs are allocated already.", message: null };
    return attempt(async () => {
      await assignRuns(scope, {
        runIds,
        ...(targets.ownerId ? { ownerId: targets.ownerId } : {}),
        ...(targets.projectId ? { projectId: targets.projectId } : {}),
        ...(targets.taskId ? { taskId: targets.taskId } : {}),
      });
      return `Assigned ${runIds.length} run${runIds.length === 1 ? "" : "s"}.`;
    });
  }
  const rules = groups.map((group) => ruleForGroup(group, targets));
  if (intent === "apply") {
    return attempt(async () => {
      for (const rule of rules) await createRule(scope, rule);
      return `${rules.length === 1 ? "Rule" : `${rules.length} rules`} applied to history.`;
    });
  }
  const parsed = rules.map((rule) => ruleInputSchema.safeParse(rule));
  const invalid = parsed.find((result) => !result.success);
  if (invalid && !invalid.success)
    return { error: invalid.error.issues.map((issue) => `Enter ${issue.message}.`).join(" "), message: null };
  const proposed = parsed.map((result, index) => ({
    ...result.data!,
    id: `new-${index}`,
    position: Number.MAX_SAFE_INTEGER - parsed.length + index,
    enabled: true,
  }));
  return describePreview(scope, await previewRules(scope.teamId, (current) => [...current, ...proposed]));
}

export async function linkIdentityAction(form: FormData) {
  const scope = await editor();
  await attempt(async () => {
    await linkIdentity(scope, text(form, "identityId"), text(form, "personId") || null);
    return "linked";
  });
}

export async function createPersonAction(_state: OwnershipFormState, form: FormData): Promise<OwnershipFormState> {
  const scope = await editor();
  return attempt(
    async () =>
      `Added ${(await createPerson(scope, { displayName: text(form, "displayName"), email: text(form, "email") })).displayName}.`,
  );
}

export async function mergePeopleAction(_state: OwnershipFormState, form: FormData): Promise<OwnershipFormState> {
  const scope = await editor();
  return attempt(async () => {
    await mergePeople(scope, text(form, "sourceId"), text(form, "targetId"));
    return "Merged.";
  });
}

export async function createProjectAction(_state: OwnershipFormState, form: FormData): Promise<OwnershipFormState> {
  const scope = await editor();
  return attempt(async () => {
    const project = await createProject(scope, {
      name: text(form, "name"),
      repositoryPattern: text(form, "repositoryPattern"),
      pathPattern: text(form, "pathPattern"),
    });
    return `Project ${project.name} created; matching runs moved to it.`;
  });
}

export async function createTaskAction(_state: OwnershipFormState, form: FormData): Promise<OwnershipFormState> {
  const scope = await editor();
  return attempt(
    async () =>
      `Task ${(await createTask(scope, { key: text(form, "key"), title: text(form, "title") })).key} created.`,
  );
}

/** Manual assignment of one run from its page; "(rules decide)" clears the manual choice. */
export async function assignRunAction(_state: OwnershipFormState, form: FormData): Promise<OwnershipFormState> {
  const scope = await editor();
  const pick = (name: string) => {
    const value = text(form, name);
    return value === "keep" ? {} : { [name]: value };
  };
  return attempt(async () => {
    await assignRuns(scope, {
      runIds: [text(form, "runId")],
      ...pick("ownerId"),
      ...pick("projectId"),
      ...pick("taskId"),
    });
    return "Saved. A manual choice beats every rule.";
  });
}

/** Splits one run's cost among owners: lines of "personId=percent". */
export async function splitRunAction(_state: OwnershipFormState, form: FormData): Promise<OwnershipFormState> {
  const scope = await editor();
  const shares = form
    .getAll("personId")
    .map((personId, index) => ({ personId: String(personId), percent: Number(form.getAll("percent")[index]) }))
    .filter((share) => share.personId && share.percent > 0);
  return attempt(async () => {
    await splitRun(scope, text(form, "runId"), shares);
    return shares.length === 0 ? "Split removed." : "Split saved.";
  });
}

const catalogKinds = ["person", "project", "task"] as const;
const catalogOps = ["rename", "merge", "delete"] as const;

/** Renames, merges or deletes a person, project or task, from its row on the ownership page. */
export async function catalogAction(_state: OwnershipFormState, form: FormData): Promise<OwnershipFormState> {
  const scope = await editor();
  const kind = text(form, "kind") as (typeof catalogKinds)[number];
  const op = text(form, "op") as (typeof catalogOps)[number];
  if (!catalogKinds.includes(kind) || !catalogOps.includes(op)) return { error: "Unknown change.", message: null };
  const id = text(form, "id");
  const name = text(form, "name");
  const targetId = text(form, "targetId");
  return attempt(async () => {
    if (op === "rename") {
      if (kind === "person") await renamePerson(scope, id, { displayName: name, email: text(form, "email") });
      else if (kind === "project") await renameProject(scope, id, name);
      else await renameTask(scope, id, name);
      return `Renamed to ${name}.`;
    }
    if (op === "merge") {
      if (!targetId) throw new OwnershipError(`pick the ${kind} to merge into`);
      if (kind === "person") await mergePeople(scope, id, targetId);
      else if (kind === "project") await mergeProjects(scope, id, targetId);
      else await mergeTasks(scope, id, targetId);
      return "Merged; its runs moved over.";
    }
    if (kind === "person") await deletePerson(scope, id);
    else if (kind === "project") await deleteProject(scope, id);
    else await deleteTask(scope, id);
    return "Deleted; its runs went back to Unallocated.";
  });
}

/** The team's discovery switches. */
export async function discoveryAction(_state: OwnershipFormState, form: FormData): Promise<OwnershipFormState> {
  const scope = await editor();
  return attempt(async () => {
    await updateDiscoverySettings(scope, {
      discoverOwners: form.has("discoverOwners"),
      discoverProjects: form.has("discoverProjects"),
      discoverTasks: form.has("discoverTasks"),
    });
    return "Discovery settings saved and applied to history.";
  });
}
