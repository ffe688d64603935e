"use server";

import { revalidatePath } from "next/cache";
import { ZodError } from "zod";
import { pageScope } from "@/lib/auth/scope";
import { ruleFields, type OwnershipRuleInput, type RuleField } from "@/lib/ownership/attribution";
import {
  assignRuns,
  createPerson,
  createProject,
  createRule,
  createTask,
  deleteRule,
  linkIdentity,
  mergePeople,
  moveRule,
  OwnershipError,
  OwnershipForbiddenError,
  ruleInputSchema,
  splitRun,
  updateRule,
  type RuleInput,
} from "@/lib/ownership/manage";
import { previewRules } from "@/lib/ownership/reattribute";
import { namesOf, ownershipSetup } from "@/lib/queries/ownership-setup";
import { formatUsd } from "@/lib/format";

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
    if (error instanceof ZodError) return { error: error.issues.map((issue) => `Enter ${issue.message}.`).join(" "), message: null };
    if (error instanceof OwnershipError || error instanceof OwnershipForbiddenError) return { error: error.message, message: null };
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

const ruleChanges = ["create", "update", "move-up", "move-down", "delete"] as const;
type RuleChange = (typeof ruleChanges)[number];

/** The rules as they would be after the change, in order, for the preview. */
function proposeRules(change: RuleChange, id: string, input: RuleInput | null): (rules: OwnershipRuleInput[]) => OwnershipRuleInput[] {
  return (rules) => {
    const ordered = [...rules].sort((a, b) => a.position - b.position);
    const index = ordered.findIndex((rule) => rule.id === id);
    switch (change) {
      case "create":
        return [...ordered, { ...input!, id: "new", position: Number.MAX_SAFE_INTEGER, enabled: true }];
      case "update":
        return ordered.map((rule) => (rule.id === id ? { ...rule, ...input! } : rule));
      case "delete":
        return ordered.filter((rule) => rule.id !== id);
      case "move-up":
      case "move-down": {
        const target = change === "move-up" ? index - 1 : index + 1;
        if (index === -1 || target < 0 || target >= ordered.length) return ordered;
        const moved = [...ordered];
        [moved[index], moved[target]] = [moved[target]!, moved[index]!];
        return moved.map((rule, position) => ({ ...rule, position }));
      }
    }
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
      if (change === "create") return `Rule "${(await createRule(scope, ruleFromForm(form))).name}" applied to history.`;
      if (change === "update") await updateRule(scope, id, ruleFromForm(form));
      else if (change === "delete") await deleteRule(scope, id);
      else await moveRule(scope, id, change === "move-up" ? "up" : "down");
      return "Applied to history.";
    });
  }
  const parsed = needsInput ? ruleInputSchema.safeParse(ruleFromForm(form)) : null;
  if (parsed && !parsed.success) return { error: parsed.error.issues.map((issue) => `Enter ${issue.message}.`).join(" "), message: null };
  const setup = await ownershipSetup(scope);
  const names = namesOf(setup);
  const moves = await previewRules(scope.teamId, proposeRules(change, id, parsed?.data ?? null));
  const label = (target: string | null) => (target === null ? "Unallocated" : target.startsWith("new:") ? `new task ${target.slice(4)}` : (names.get(target) ?? target));
  return {
    error: null,
    message: null,
    preview:
      moves.length === 0
        ? ["This would not change any run (other rules or manual assignments decide them)."]
        : moves.map((move) => `Moves ${formatUsd(move.costUsd)} across ${move.runs} run${move.runs === 1 ? "" : "s"} of ${move.field} from ${label(move.fromId)} to ${label(move.toId)}.`),
  };
}

/** Assigns a whole unallocated group, or makes its shared value a rule. */
export async function assignGroupAction(_state: OwnershipFormState, form: FormData): Promise<OwnershipFormState> {
  const scope = await editor();
  const ownerId = text(form, "ownerId");
  const projectId = text(form, "projectId");
  if (!ownerId && !projectId) return { error: "Pick an owner or a project.", message: null };
  if (text(form, "intent") === "rule") {
    const field = text(form, "field");
    if (!(ruleFields as readonly string[]).includes(field)) return { error: "Unknown group.", message: null };
    const value = text(form, "value");
    // Exact match: glob characters in the value are escaped.
    const pattern = value.replace(/[\\*?[\]{}()!+@]/g, "\\$&");
    return attempt(async () => {
      await createRule(scope, { name: `${field} is ${value}`.slice(0, 120), matchField: field as RuleField, pattern, setOwnerId: ownerId, setProjectId: projectId, setTaskId: "" });
      return `Rule created: runs where ${field} is ${value} now go to the chosen owner.`;
    });
  }
  const runIds = text(form, "runIds").split(",").filter(Boolean);
  return attempt(async () => {
    await assignRuns(scope, { runIds, ...(ownerId ? { ownerId } : {}), ...(projectId ? { projectId } : {}) });
    return `Assigned ${runIds.length} run${runIds.length === 1 ? "" : "s"}.`;
  });
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
  return attempt(async () => `Added ${(await createPerson(scope, { displayName: text(form, "displayName"), email: text(form, "email") })).displayName}.`);
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
    const project = await createProject(scope, { name: text(form, "name"), repositoryPattern: text(form, "repositoryPattern"), pathPattern: text(form, "pathPattern") });
    return `Project ${project.name} created; matching runs moved to it.`;
  });
}

export async function createTaskAction(_state: OwnershipFormState, form: FormData): Promise<OwnershipFormState> {
  const scope = await editor();
  return attempt(async () => `Task ${(await createTask(scope, { key: text(form, "key"), title: text(form, "title") })).key} created.`);
}

/** Manual assignment of one run from its page; "(rules decide)" clears the manual choice. */
export async function assignRunAction(_state: OwnershipFormState, form: FormData): Promise<OwnershipFormState> {
  const scope = await editor();
  const pick = (name: string) => {
    const value = text(form, name);
    return value === "keep" ? {} : { [name]: value };
  };
  return attempt(async () => {
    await assignRuns(scope, { runIds: [text(form, "runId")], ...pick("ownerId"), ...pick("projectId"), ...pick("taskId") });
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
