/**
 * Applies attribution to stored runs: at ingest for the runs a chunk touched, and over history
 * when an admin edits rules, links identities or assigns runs. Changed runs move their spend in
 * DailySpend by rebuilding the days they have spend on, so totals by owner, project and task
 * always add up to the team total.
 */
import { db } from "@/lib/db/client";
import type { SqlClient } from "@/lib/db/columns";
import { jsonRows } from "@/lib/db/json-rows";
import { table } from "@/lib/db/tables";
import { Prisma } from "@/lib/generated/prisma/client";
import { daysOfRuns, rebuildDailySpend } from "@/lib/rollups/spend";
import {
  type Attribution,
  type AttributionContext,
  attributeRun,
  type OwnershipRuleInput,
  projectKey,
  type RuleField,
  type RunFacts,
  ruleFields,
  taskKey,
} from "./attribution";
import { displayNameFromIdentity, isServiceUser } from "./discovery";

const Identity = table("Identity");
const Person = table("Person");
const Project = table("Project");
const Run = table("Run");
const RunReference = table("RunReference");
const i = table("Identity", "i");
const k = table("ApiKey", "k");
const pPerson = table("Person", "p");
const pRunReference = table("RunReference", "p");
const r = table("Run", "r");
const Task = table("Task");
const u = table("User", "u");

type Tx = Prisma.TransactionClient;

/** The context's rows as attributionContextSql returns them (jsonb: strings, numbers, arrays). */
export interface AttributionContextJson {
  rules: (Omit<OwnershipRuleInput, "matchField"> & { matchField: string })[];
  projects: {
    id: string;
    name: string;
    repositoryPattern: string | null;
    pathPattern: string | null;
    discoveryKeys: string[];
  }[];
  tasks: { id: string; key: string; discoveryKeys: string[] }[];
  settings: {
    discoverOwners: boolean;
    discoverProjects: boolean;
    discoverTasks: boolean;
    ignoredKeys: string[];
  } | null;
}

const rule = table("OwnershipRule", "rule");
const project = table("Project", "project");
const task = table("Task", "task");
const settings = table("OwnershipSettings", "settings");

/**
 * The team's rules (in order), projects, tasks and discovery settings as one jsonb value, for one
 * statement to read (loadAttributionContext, and the writer's with its other settings: writer.ts).
 */
export function attributionContextSql(teamId: string): Prisma.Sql {
  return Prisma.sql`jsonb_build_object(
    'rules', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', ${rule.id}, 'position', ${rule.position},
        'matchField', ${rule.matchField}, 'pattern', ${rule.pattern}, 'setOwnerId', ${rule.setOwnerId},
        'setProjectId', ${rule.setProjectId}, 'setTaskId', ${rule.setTaskId}, 'enabled', ${rule.enabled})
        ORDER BY ${rule.position}), '[]'::jsonb)
      FROM ${rule.$} WHERE ${rule.teamId} = ${teamId}::uuid),
    'projects', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', ${project.id}, 'name', ${project.name},
        'repositoryPattern', ${project.repositoryPattern}, 'pathPattern', ${project.pathPattern},
        'discoveryKeys', ${project.discoveryKeys}) ORDER BY ${project.createdAt}), '[]'::jsonb)
      FROM ${project.$} WHERE ${project.teamId} = ${teamId}::uuid),
    'tasks', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', ${task.id}, 'key', ${task.key},
        'discoveryKeys', ${task.discoveryKeys})), '[]'::jsonb)
      FROM ${task.$} WHERE ${task.teamId} = ${teamId}::uuid),
    'settings', (SELECT jsonb_build_object('discoverOwners', ${settings.discoverOwners},
        'discoverProjects', ${settings.discoverProjects}, 'discoverTasks', ${settings.discoverTasks},
        'ignoredKeys', ${settings.ignoredKeys})
      FROM ${settings.$} WHERE ${settings.teamId} = ${teamId}::uuid))`;
}

/** The context from attributionContextSql's value. */
export function attributionContextOf({ rules, projects, tasks, settings }: AttributionContextJson): AttributionContext {
  return {
    rules: rules.map((rule) => ({
      ...rule,
      matchField: (ruleFields as readonly string[]).includes(rule.matchField)
        ? (rule.matchField as RuleField)
        : "source",
    })),
    projects,
    discovery: {
      owners: settings?.discoverOwners ?? true,
      projects: settings?.discoverProjects ?? true,
      tasks: settings?.discoverTasks ?? true,
      ignoredKeys: new Set(settings?.ignoredKeys ?? []),
    },
    projectsByKey: new Map(
      projects.flatMap((project) => project.discoveryKeys.map((key) => [projectKey(key), project.id] as const)),
    ),
    tasksByKey: new Map(
      tasks.flatMap((task) => [task.key, ...task.discoveryKeys].map((key) => [taskKey(key), task.id] as const)),
    ),
  };
}

/** The team's attribution context, in one statement. */
export async function loadAttributionContext(
  tx: Tx | ReturnType<typeof db>,
  teamId: string,
): Promise<AttributionContext> {
  const [row] = await tx.$queryRaw<{ context: AttributionContextJson }[]>`
    SELECT ${attributionContextSql(teamId)} AS context`;
  return attributionContextOf(row!.context);
}

interface RunFactsRow extends RunFacts {
  id: string;
  costUsd: number;
}

async function runFacts(tx: SqlClient, teamId: string, runIds: string[] | null): Promise<RunFactsRow[]> {
  return tx.$queryRaw<RunFactsRow[]>`
    SELECT ${r.id}::text, ${r.repository}, ${r.cwd}, ${r.gitBranch} AS branch, ${i.value} AS identity, ${r.identityId}::text AS "identityId",
      ${i.personId}::text AS "identityPersonId", ${i.personSetBy} AS "identityPersonSetBy",
      ${r.models}, ${r.apiKeyId}::text AS "apiKeyId", ${r.source}, ${r.title},
      (SELECT min(${RunReference.value}) FROM ${pRunReference.$} WHERE ${pRunReference.teamId} = ${r.teamId} AND ${pRunReference.runId} = ${r.id} AND ${pRunReference.kind} = 'pr-url') AS "pullRequest",
      ${r.ownerId}::text AS "ownerId", ${r.ownerSetBy}, ${r.projectId}::text AS "projectId", ${r.projectSetBy},
      ${r.taskId}::text AS "taskId", ${r.taskSetBy}, ${r.costUsd}::float8 AS "costUsd"
    FROM ${r.$} LEFT JOIN ${i.$} ON ${i.teamId} = ${r.teamId} AND ${i.id} = ${r.identityId}
    WHERE ${r.teamId} = ${teamId}::uuid ${runIds ? Prisma.sql`AND ${r.id} = ANY(${runIds}::uuid[])` : Prisma.empty}`;
}

/**
 * Creates the projects and tasks discovery named that do not exist yet, fills in their ids, and
 * remembers them in `context` (one ingest writes many chunks with one context).
 */
async function resolveDiscovered(
  tx: SqlClient,
  teamId: string,
  decisions: Attribution[],
  context: AttributionContext,
): Promise<void> {
  const projectNames = new Map<string, string>();
  const taskKeys = new Set<string>();
  for (const decision of decisions) {
    if (decision.project.discoveredKey)
      projectNames.set(projectKey(decision.project.discoveredKey), decision.project.discoveredKey);
    if (decision.task.discoveredKey) taskKeys.add(taskKey(decision.task.discoveredKey));
  }
  for (const [key, name] of projectNames) {
    if (context.projectsByKey.has(key)) continue;
    // Another writer may have made it since this context was loaded (the team lock serializes us);
    // else a project of that name (any case) takes the key; else a new project.
    const [known] = await tx.$queryRaw<{ id: string }[]>`
      SELECT ${Project.id}::text FROM ${Project.$} WHERE ${Project.teamId} = ${teamId}::uuid AND ${key}::text = ANY(${Project.discoveryKeys}) LIMIT 1`;
    const [named] = known
      ? []
      : await tx.$queryRaw<{ id: string }[]>`
          UPDATE ${Project.$} SET ${Project.discoveryKeys} = array_append(${Project.discoveryKeys}, ${key}::text)
          WHERE ${Project.teamId} = ${teamId}::uuid AND ${Project.id} = (
            SELECT ${Project.id} FROM ${Project.$} WHERE ${Project.teamId} = ${teamId}::uuid AND lower(${Project.name}) = lower(${name}::text) LIMIT 1)
          RETURNING ${Project.id}::text`;
    const [created] =
      known || named
        ? []
        : await tx.$queryRaw<{ id: string }[]>`
            INSERT INTO ${Project.$} (${Project.teamId}, ${Project.name}, ${Project.discoveryKeys})
            VALUES (${teamId}::uuid, ${name}::text, ARRAY[${key}::text]) RETURNING ${Project.id}::text`;
    context.projectsByKey.set(key, (known ?? named ?? created)!.id);
  }
  for (const key of taskKeys) {
    if (context.tasksByKey.has(key)) continue;
    const [existing] = await tx.$queryRaw<{ id: string }[]>`
      SELECT ${Task.id}::text FROM ${Task.$}
      WHERE ${Task.teamId} = ${teamId}::uuid AND (${Task.key} = ${key}::text OR ${key}::text = ANY(${Task.discoveryKeys})) LIMIT 1`;
    const [created] = existing
      ? []
      : await tx.$queryRaw<{ id: string }[]>`
          INSERT INTO ${Task.$} (${Task.teamId}, ${Task.key}, ${Task.discoveryKeys})
          VALUES (${teamId}::uuid, ${key}::text, ARRAY[${key}::text]) RETURNING ${Task.id}::text`;
    context.tasksByKey.set(key, (existing ?? created)!.id);
  }
  for (const decision of decisions) {
    if (decision.project.discoveredKey)
      decision.project.id = context.projectsByKey.get(projectKey(decision.project.discoveredKey)) ?? null;
    if (decision.task.discoveredKey)
      decision.task.id = context.tasksByKey.get(taskKey(decision.task.discoveredKey)) ?? null;
  }
}

/**
 * Decides who the undecided identities of these runs are: a member's own login or key is that
 * member's person ("account"); an email belongs to the person with that email; an OS user that is
 * not a service account, or an email nobody has, becomes a new person ("discovery") while owner
 * discovery is on.
 */
async function discoverPeople(
  tx: SqlClient,
  teamId: string,
  runIds: string[] | null,
  discoverOwners: boolean,
): Promise<void> {
  const undecided = await tx.$queryRaw<
    {
      id: string;
      kind: string;
      value: string;
      accountPersonId: string | null;
      emailPersonId: string | null;
      emailPersonIsMember: boolean | null;
    }[]
  >`
    SELECT ${i.id}::text, ${i.kind}, ${i.value},
      (SELECT ${pPerson.id}::text FROM ${pPerson.$} JOIN ${u.$} ON ${u.id} = ${pPerson.userId}
        WHERE ${pPerson.teamId} = ${i.teamId} AND ${i.kind} = 'uploader' AND ${u.email} = ${i.value}
        UNION ALL
        SELECT ${pPerson.id}::text FROM ${k.$} JOIN ${pPerson.$} ON ${pPerson.teamId} = ${k.teamId} AND ${pPerson.userId} = ${k.createdById}
        WHERE ${k.teamId} = ${i.teamId} AND ${i.kind} = 'api-key' AND ${k.id}::text = ${i.value}
        LIMIT 1) AS "accountPersonId",
      e.id::text AS "emailPersonId", e."userId" IS NOT NULL AS "emailPersonIsMember"
    FROM ${i.$}
    LEFT JOIN LATERAL (SELECT ${Person.id}, ${Person.userId} FROM ${pPerson.$} WHERE ${pPerson.teamId} = ${i.teamId} AND ${i.kind} IN ('email', 'uploader') AND lower(${pPerson.email}) = ${i.value}
      ORDER BY ${pPerson.userId} IS NULL, ${pPerson.createdAt} LIMIT 1) e ON true
    WHERE ${i.teamId} = ${teamId}::uuid AND ${i.personId} IS NULL AND ${i.personSetBy} IS NULL
      AND ${i.id} IN (SELECT ${Run.identityId} FROM ${r.$} WHERE ${r.teamId} = ${teamId}::uuid ${runIds ? Prisma.sql`AND ${r.id} = ANY(${runIds}::uuid[])` : Prisma.empty})`;
  for (const identity of undecided) {
    let link: { personId: string; setBy: string } | null = null;
    if (identity.accountPersonId) link = { personId: identity.accountPersonId, setBy: "account" };
    else if (identity.emailPersonId)
      link = { personId: identity.emailPersonId, setBy: identity.emailPersonIsMember ? "account" : "discovery" };
    else if (
      discoverOwners &&
      (identity.kind === "email" || (identity.kind === "os-user" && !isServiceUser(identity.value)))
    ) {
      const [person] = await tx.$queryRaw<{ id: string }[]>`
        INSERT INTO ${Person.$} (${Person.teamId}, ${Person.displayName}, ${Person.email})
        VALUES (${teamId}::uuid, ${displayNameFromIdentity(identity.kind, identity.value)}::text,
          ${identity.kind === "email" ? identity.value : null}::text)
        RETURNING ${Person.id}::text`;
      link = { personId: person!.id, setBy: "discovery" };
    }
    if (link)
      await tx.$executeRaw`
        UPDATE ${Identity.$} SET ${Identity.personId} = ${link.personId}::uuid, ${Identity.personSetBy} = ${link.setBy}::text
        WHERE ${Identity.teamId} = ${teamId}::uuid AND ${Identity.id} = ${identity.id}::uuid`;
  }
}

const unchanged = (facts: RunFacts, a: Attribution) =>
  facts.ownerId === a.owner.id &&
  facts.ownerSetBy === a.owner.setBy &&
  facts.projectId === a.project.id &&
  facts.projectSetBy === a.project.setBy &&
  facts.taskId === a.task.id &&
  facts.taskSetBy === a.task.setBy;

/**
 * Re-attributes the given runs (all of the team's when null) inside a transaction: Prisma's, or
 * the ingest writer's bulk connection (lib/db/bulk.ts), every statement raw so a chunk pays no
 * Prisma compile. Returns the ids of the runs whose owner, project or task changed; their days'
 * DailySpend is rebuilt.
 */
export async function attributeRunsInTransaction(
  tx: SqlClient,
  teamId: string,
  runIds: string[] | null,
  context: AttributionContext,
): Promise<string[]> {
  await discoverPeople(tx, teamId, runIds, context.discovery.owners);
  const runs = await runFacts(tx, teamId, runIds);
  const decisions = runs.map((run) => attributeRun(run, context));
  await resolveDiscovered(tx, teamId, decisions, context);
  const changed = runs.flatMap((run, index) =>
    unchanged(run, decisions[index]!) ? [] : [{ run, decision: decisions[index]! }],
  );
  if (changed.length === 0) return [];
  const updates = changed.map(({ run, decision }) => ({
    id: run.id,
    owner: decision.owner.id,
    owner_by: decision.owner.setBy,
    project: decision.project.id,
    project_by: decision.project.setBy,
    task: decision.task.id,
    task_by: decision.task.setBy,
  }));
  await tx.$executeRaw`
    UPDATE ${r.$} SET ${Run.ownerId} = c.owner, ${Run.ownerSetBy} = c.owner_by, ${Run.projectId} = c.project, ${Run.projectSetBy} = c.project_by,
      ${Run.taskId} = c.task, ${Run.taskSetBy} = c.task_by, ${Run.updatedAt} = now()
    FROM ${jsonRows(updates, "c(id uuid, owner uuid, owner_by text, project uuid, project_by text, task uuid, task_by text)")}
    WHERE ${r.teamId} = ${teamId}::uuid AND ${r.id} = c.id`;
  const runIdsChanged = changed.map((c) => c.run.id);
  await rebuildDailySpend(tx, teamId, await daysOfRuns(tx, teamId, runIdsChanged));
  return runIdsChanged;
}

/**
 * The runs of a batch that have no task yet but opened a pull request: the request's URL is seen
 * in tool output, written after each chunk's attribution, so discovery names their task once the
 * batch is complete (their days' rollups follow). In the ingest writer's last transaction, which
 * holds the team's lock, with the batch's attribution context.
 */
export async function attributePullRequestRuns(
  tx: SqlClient,
  teamId: string,
  runIds: string[],
  context: AttributionContext,
): Promise<void> {
  if (runIds.length === 0) return;
  const rows = await tx.$queryRaw<{ id: string }[]>`
    SELECT ${r.id}::text FROM ${r.$} WHERE ${r.teamId} = ${teamId}::uuid AND ${r.id} = ANY(${runIds}::uuid[]) AND ${r.taskId} IS NULL
      AND EXISTS (SELECT 1 FROM ${pRunReference.$} WHERE ${pRunReference.teamId} = ${r.teamId} AND ${pRunReference.runId} = ${r.id} AND ${pRunReference.kind} = 'pr-url')`;
  if (rows.length > 0)
    await attributeRunsInTransaction(
      tx,
      teamId,
      rows.map((row) => row.id),
      context,
    );
}

export interface AttributionMove {
  field: "owner" | "project" | "task";
  fromId: string | null;
  toId: string | null;
  runs: number;
  costUsd: number;
}

/**
 * What a change to the rules would do, without doing it: `propose` turns the current rules into
 * the proposed ones; the answer is, per field, how many runs and dollars move from which owner,
 * project or task to which.
 */
export async function previewRules(
  teamId: string,
  propose: (current: OwnershipRuleInput[]) => OwnershipRuleInput[],
): Promise<AttributionMove[]> {
  const current = await loadAttributionContext(db(), teamId);
  const context = { ...current, rules: propose(current.rules) };
  const runs = await runFacts(db(), teamId, null);
  const moves = new Map<string, AttributionMove>();
  for (const run of runs) {
    const decision = attributeRun(run, context);
    if (decision.project.discoveredKey) decision.project.id = `new:${decision.project.discoveredKey}`;
    if (decision.task.discoveredKey) decision.task.id = `new:${decision.task.discoveredKey}`;
    for (const field of ["owner", "project", "task"] as const) {
      const fromId = run[`${field}Id`];
      const toId = decision[field].id;
      if (fromId === toId) continue;
      const key = `${field}\u0000${fromId}\u0000${toId}`;
      const move = moves.get(key) ?? { field, fromId, toId, runs: 0, costUsd: 0 };
      move.runs += 1;
      move.costUsd += run.costUsd;
      moves.set(key, move);
    }
  }
  return [...moves.values()].sort((a, b) => b.costUsd - a.costUsd);
}
