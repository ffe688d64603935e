/** What a budget can be set on, by id (owners, projects, tasks) or name (models), and how each reads. */
import type { Scope } from "@/lib/auth/scope";
import { db } from "@/lib/db/client";
import { table } from "@/lib/db/tables";
import type { BudgetScopeRef } from "./spend";

const DailySpend = table("DailySpend");
const Person = table("Person");
const ProjectTable = table("Project");
const TaskTable = table("Task");

export interface ScopeTargets {
  owners: { id: string; name: string }[];
  projects: { id: string; name: string }[];
  tasks: { id: string; name: string }[];
  models: string[];
}

export async function scopeTargets(scope: Scope): Promise<ScopeTargets> {
  const [owners, projects, tasks, models] = await Promise.all([
    db().$queryRaw<
      { id: string; name: string }[]
    >`SELECT ${Person.id}::text, coalesce(${Person.email}, ${Person.displayName}) AS name FROM ${Person.$} WHERE ${Person.teamId} = ${scope.teamId}::uuid ORDER BY 2`,
    db().$queryRaw<
      { id: string; name: string }[]
    >`SELECT ${ProjectTable.id}::text, ${ProjectTable.name} FROM ${ProjectTable.$} WHERE ${ProjectTable.teamId} = ${scope.teamId}::uuid ORDER BY 2`,
    db().$queryRaw<
      { id: string; name: string }[]
    >`SELECT ${TaskTable.id}::text, ${TaskTable.key} AS name FROM ${TaskTable.$} WHERE ${TaskTable.teamId} = ${scope.teamId}::uuid ORDER BY 2`,
    // From the rollup (a few rows per day), not from the calls.
    db().$queryRaw<
      { name: string }[]
    >`SELECT DISTINCT ${DailySpend.model} AS name FROM ${DailySpend.$} WHERE ${DailySpend.teamId} = ${scope.teamId}::uuid ORDER BY 1`,
  ]);
  return { owners, projects, tasks, models: models.map((m) => m.name) };
}

/** "Team", "Owner ana@example.com", "Project alpha", ... */
export function scopeLabel(ref: BudgetScopeRef, targets: ScopeTargets): string {
  const named = (list: { id: string; name: string }[]) =>
    list.find((item) => item.id === ref.value)?.name ?? "(removed)";
  switch (ref.kind) {
    case "team":
      return "Team";
    case "owner":
      return `Owner ${named(targets.owners)}`;
    case "project":
      return `Project ${named(targets.projects)}`;
    case "task":
      return `Task ${named(targets.tasks)}`;
    case "model":
      return `Model ${ref.value}`;
  }
}
