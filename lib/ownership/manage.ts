/**
 * Every change an admin makes to cost ownership: rules, manual run assignments, identity links,
 * people, projects, tasks and splits. Each change is validated, audit-logged with its before and
 * after, and applied to history (the affected runs are re-attributed and their days' rollups
 * rebuilt) in the same transaction.
 */
import { z } from "zod";
import { may } from "@/lib/auth/policy";
import type { Scope } from "@/lib/auth/scope";
import { db } from "@/lib/db/client";
import { table } from "@/lib/db/tables";
import { lockTeamWrites } from "@/lib/db/team-lock";
import { Prisma } from "@/lib/generated/prisma/client";
import { daysOfRuns, rebuildDailySpend } from "@/lib/rollups/spend";
import { projectKey, ruleFields, taskKey } from "./attribution";
import { MAX_PATTERN_CHARS, patternProblem } from "./pattern";
import { provenance } from "./provenance";
import { attributeRunsInTransaction, loadAttributionContext } from "./reattribute";
import { moveInOrder } from "./rule-changes";

const RunOwnerShare = table("RunOwnerShare");
/** The row an INSERT ... ON CONFLICT DO UPDATE finds in place. */
const storedRunOwnerShare = table("RunOwnerShare", "stored");
const RunTable = table("Run");
const runOwnerShareExcluded = table("RunOwnerShare", "excluded");

type Tx = Prisma.TransactionClient;

/** Only admins change ownership; checked here, in the one path every change takes. */
export class OwnershipForbiddenError extends Error {
  constructor() {
    super("only admins of the team can change cost ownership");
  }
}

const optionalId = z
  .string()
  .trim()
  .transform((value) => (value === "" ? null : value))
  .pipe(z.string().uuid().nullable());

export const ruleInputSchema = z
  .object({
    name: z.string().trim().min(1, "a name").max(120),
    matchField: z.enum(ruleFields),
    pattern: z
      .string()
      .trim()
      .min(1, "a pattern")
      .max(MAX_PATTERN_CHARS)
      .superRefine((pattern, ctx) => {
        const problem = patternProblem(pattern);
        if (problem) ctx.addIssue({ code: "custom", message: `a valid pattern (${problem})` });
      }),
    setOwnerId: optionalId,
    setProjectId: optionalId,
    setTaskId: optionalId,
  })
  .refine(
    (rule) => rule.setOwnerId || rule.setProjectId || rule.setTaskId,
    "an owner, a project or a task for the rule to set",
  );

export type RuleInput = z.output<typeof ruleInputSchema>;

/** Runs a change in one transaction, serialized with ingest for the team, then re-attributes history. */
async function change<T>(scope: Scope, work: (tx: Tx) => Promise<T>, reattribute: string[] | null | false): Promise<T> {
  if (!may(scope, "ownership:edit")) throw new OwnershipForbiddenError();
  return db().$transaction(
    async (tx) => {
      await lockTeamWrites(tx, scope.teamId);
      const result = await work(tx);
      if (reattribute !== false)
        await attributeRunsInTransaction(tx, scope.teamId, reattribute, await loadAttributionContext(tx, scope.teamId));
      return result;
    },
    { timeout: 300_000, maxWait: 60_000 },
  );
}

const actorOf = (scope: Scope) => (scope.actor.kind === "user" ? scope.actor.userId : scope.actor.kind);
/** Provenance of an admin's choice, and of an admin's "this identity is nobody". */
const manualBy = (scope: Scope) => provenance("manual", actorOf(scope));
const nobodyBy = (scope: Scope) => `none:${actorOf(scope)}`;

function audit(
  tx: Tx,
  scope: Scope,
  action: string,
  entityType: string,
  entityId: string | null,
  before: unknown,
  after: unknown,
) {
  return tx.auditLog.create({
    data: {
      teamId: scope.teamId,
      actorUserId: scope.actor.kind === "user" ? scope.actor.userId : null,
      actorApiKeyId: scope.actor.kind === "apiKey" ? scope.actor.apiKeyId : null,
      action,
      entityType,
      entityId,
      before: before === null ? Prisma.DbNull : (before as Prisma.InputJsonValue),
      after: after === null ? Prisma.DbNull : (after as Prisma.InputJsonValue),
    },
  });
}

/** Checks that the ids a rule or assignment names belong to the team. */
async function assertTeamTargets(
  tx: Tx,
  teamId: string,
  targets: { ownerId?: string | null; projectId?: string | null; taskId?: string | null },
) {
  const [owner, project, task] = await Promise.all([
    targets.ownerId ? tx.person.findFirst({ where: { teamId, id: targets.ownerId } }) : true,
    targets.projectId ? tx.project.findFirst({ where: { teamId, id: targets.projectId } }) : true,
    targets.taskId ? tx.task.findFirst({ where: { teamId, id: targets.taskId } }) : true,
  ]);
  if (!owner || !project || !task) throw new OwnershipError("that owner, project or task is not in this team");
}

export class OwnershipError extends Error {}

export async function createRule(scope: Scope, input: z.input<typeof ruleInputSchema>) {
  return change(
    scope,
    async (tx) => {
      const rule = ruleInputSchema.parse(input);
      await assertTeamTargets(tx, scope.teamId, {
        ownerId: rule.setOwnerId,
        projectId: rule.setProjectId,
        taskId: rule.setTaskId,
      });
      const last = await tx.ownershipRule.aggregate({ where: { teamId: scope.teamId }, _max: { position: true } });
      const created = await tx.ownershipRule.create({
        data: { teamId: scope.teamId, ...rule, position: (last._max.position ?? 0) + 1 },
      });
      await audit(tx, scope, "rule.create", "OwnershipRule", created.id, null, rule);
      return created;
    },
    null,
  );
}

export async function updateRule(scope: Scope, id: string, input: z.input<typeof ruleInputSchema>) {
  return change(
    scope,
    async (tx) => {
      const rule = ruleInputSchema.parse(input);
      const before = await tx.ownershipRule.findFirst({ where: { teamId: scope.teamId, id } });
      if (!before) throw new OwnershipError("no such rule");
      await assertTeamTargets(tx, scope.teamId, {
        ownerId: rule.setOwnerId,
        projectId: rule.setProjectId,
        taskId: rule.setTaskId,
      });
      await tx.ownershipRule.update({ where: { teamId_id: { teamId: scope.teamId, id } }, data: rule });
      await audit(tx, scope, "rule.update", "OwnershipRule", id, before, rule);
    },
    null,
  );
}

export async function deleteRule(scope: Scope, id: string) {
  return change(
    scope,
    async (tx) => {
      const before = await tx.ownershipRule.findFirst({ where: { teamId: scope.teamId, id } });
      if (!before) throw new OwnershipError("no such rule");
      await tx.ownershipRule.delete({ where: { teamId_id: { teamId: scope.teamId, id } } });
      await audit(tx, scope, "rule.delete", "OwnershipRule", id, before, null);
    },
    null,
  );
}

/** Moves a rule one place up or down in the order of precedence. */
export async function moveRule(scope: Scope, id: string, direction: "up" | "down") {
  return change(
    scope,
    async (tx) => {
      const rules = await tx.ownershipRule.findMany({ where: { teamId: scope.teamId }, orderBy: { position: "asc" } });
      const order = moveInOrder(rules, id, direction).map((r) => r.id);
      const from = rules.findIndex((r) => r.id === id);
      if (from === -1 || order.indexOf(id) === from) return;
      const rule = rules[from]!;
      for (const [position, ruleId] of order.entries()) {
        await tx.ownershipRule.update({
          where: { teamId_id: { teamId: scope.teamId, id: ruleId } },
          data: { position: position + 1 },
        });
      }
      await audit(
        tx,
        scope,
        "rule.move",
        "OwnershipRule",
        id,
        { position: rule.position },
        { position: order.indexOf(id) + 1 },
      );
    },
    null,
  );
}

export const assignmentSchema = z.object({
  runIds: z.array(z.string().uuid()).min(1).max(10_000),
  ownerId: optionalId.optional(),
  projectId: optionalId.optional(),
  taskId: optionalId.optional(),
});

/**
 * Manual assignment: beats every rule. A field given as null clears the manual assignment (the
 * rules decide again); a field left out is not touched.
 */
export async function assignRuns(scope: Scope, input: z.input<typeof assignmentSchema>) {
  return change(
    scope,
    async (tx) => {
      const assignment = assignmentSchema.parse(input);
      await assertTeamTargets(tx, scope.teamId, assignment);
      const before = await tx.run.findMany({
        where: { teamId: scope.teamId, id: { in: assignment.runIds } },
        select: { id: true, ownerId: true, projectId: true, taskId: true },
      });
      if (before.length !== assignment.runIds.length)
        throw new OwnershipError("some of those runs are not in this team");
      const manual = manualBy(scope);
      const data: Prisma.RunUpdateManyMutationInput & {
        ownerId?: string | null;
        projectId?: string | null;
        taskId?: string | null;
      } = {};
      if (assignment.ownerId !== undefined)
        Object.assign(data, { ownerId: assignment.ownerId, ownerSetBy: assignment.ownerId ? manual : null });
      if (assignment.projectId !== undefined)
        Object.assign(data, { projectId: assignment.projectId, projectSetBy: assignment.projectId ? manual : null });
      if (assignment.taskId !== undefined)
        Object.assign(data, { taskId: assignment.taskId, taskSetBy: assignment.taskId ? manual : null });
      await tx.run.updateMany({ where: { teamId: scope.teamId, id: { in: assignment.runIds } }, data });
      await audit(
        tx,
        scope,
        "run.assign",
        "Run",
        assignment.runIds.length === 1 ? assignment.runIds[0]! : null,
        { runs: before },
        { runIds: assignment.runIds, ...data },
      );
      // The days of these runs are rebuilt by the re-attribution below only when something changed
      // there; a manual change is a change in its own right, so rebuild them here.
      await rebuildDailySpend(tx, scope.teamId, await daysOfRuns(tx, scope.teamId, assignment.runIds));
    },
    input.runIds,
  );
}

export async function linkIdentity(scope: Scope, identityId: string, personId: string | null) {
  return change(
    scope,
    async (tx) => {
      const identity = await tx.identity.findFirst({ where: { teamId: scope.teamId, id: identityId } });
      if (!identity) throw new OwnershipError("no such identity");
      if (personId) await assertTeamTargets(tx, scope.teamId, { ownerId: personId });
      // The admin's word, either way: discovery leaves an identity linked, or unlinked, by hand alone.
      const personSetBy = personId ? manualBy(scope) : nobodyBy(scope);
      await tx.identity.update({
        where: { teamId_id: { teamId: scope.teamId, id: identityId } },
        data: { personId, personSetBy },
      });
      await audit(
        tx,
        scope,
        "identity.link",
        "Identity",
        identityId,
        { identity: `${identity.kind} ${identity.value}`, person: identity.personId },
        { person: personId },
      );
    },
    null,
  );
}

export const personSchema = z.object({
  displayName: z.string().trim().min(1, "a name").max(200),
  email: z
    .string()
    .trim()
    .toLowerCase()
    .email()
    .max(320)
    .optional()
    .or(z.literal("").transform(() => undefined)),
});

export async function createPerson(scope: Scope, input: z.input<typeof personSchema>) {
  return change(
    scope,
    async (tx) => {
      const person = personSchema.parse(input);
      const created = await tx.person.create({
        data: { teamId: scope.teamId, displayName: person.displayName, email: person.email ?? null },
      });
      await audit(tx, scope, "person.create", "Person", created.id, null, person);
      return created;
    },
    false,
  );
}

/** A person as the audit log shows them: by name, with their email. */
const personView = (person: { displayName: string; email: string | null }) => ({
  name: person.displayName,
  ...(person.email ? { email: person.email } : {}),
});

/** Rebuilds the rollup days of runs whose owner, project or task was changed directly. */
async function rebuildRuns(tx: Tx, teamId: string, runIds: string[]) {
  await rebuildDailySpend(tx, teamId, await daysOfRuns(tx, teamId, runIds));
}

/**
 * Merges `sourceId` into `targetId` (one human seen twice): identities, runs, shares and rules
 * move over, the identities as the admin's links; the source is removed.
 */
export async function mergePeople(scope: Scope, sourceId: string, targetId: string) {
  if (sourceId === targetId) throw new OwnershipError("pick two different people");
  return change(
    scope,
    async (tx) => {
      await assertTeamTargets(tx, scope.teamId, { ownerId: sourceId });
      await assertTeamTargets(tx, scope.teamId, { ownerId: targetId });
      const source = await tx.person.findFirstOrThrow({ where: { teamId: scope.teamId, id: sourceId } });
      const target = await tx.person.findFirstOrThrow({ where: { teamId: scope.teamId, id: targetId } });
      if (source.userId)
        throw new OwnershipError("a team member cannot be merged away; merge the other person into them");
      const affected = await tx.$queryRaw<{ id: string }[]>`
        SELECT ${RunTable.id}::text FROM ${RunTable.$} WHERE ${RunTable.teamId} = ${scope.teamId}::uuid AND ${RunTable.ownerId} = ${sourceId}::uuid
        UNION SELECT ${RunOwnerShare.runId}::text FROM ${RunOwnerShare.$} WHERE ${RunOwnerShare.teamId} = ${scope.teamId}::uuid AND ${RunOwnerShare.personId} = ${sourceId}::uuid`;
      const identities = await tx.identity.findMany({
        where: { teamId: scope.teamId, personId: sourceId },
        select: { kind: true, value: true },
      });
      await tx.identity.updateMany({
        where: { teamId: scope.teamId, personId: sourceId },
        data: { personId: targetId, personSetBy: manualBy(scope) },
      });
      await tx.run.updateMany({ where: { teamId: scope.teamId, ownerId: sourceId }, data: { ownerId: targetId } });
      await tx.ownershipRule.updateMany({
        where: { teamId: scope.teamId, setOwnerId: sourceId },
        data: { setOwnerId: targetId },
      });
      await tx.$executeRaw`
        INSERT INTO ${storedRunOwnerShare.$} (${RunOwnerShare.teamId}, ${RunOwnerShare.runId}, ${RunOwnerShare.personId}, ${RunOwnerShare.percent})
        SELECT ${RunOwnerShare.teamId}, ${RunOwnerShare.runId}, ${targetId}::uuid, ${RunOwnerShare.percent} FROM ${RunOwnerShare.$} WHERE ${RunOwnerShare.teamId} = ${scope.teamId}::uuid AND ${RunOwnerShare.personId} = ${sourceId}::uuid
        ON CONFLICT (${RunOwnerShare.teamId}, ${RunOwnerShare.runId}, ${RunOwnerShare.personId}) DO UPDATE SET ${RunOwnerShare.percent} = ${storedRunOwnerShare.percent} + ${runOwnerShareExcluded.percent}`;
      await tx.runOwnerShare.deleteMany({ where: { teamId: scope.teamId, personId: sourceId } });
      if (!target.email && source.email)
        await tx.person.update({
          where: { teamId_id: { teamId: scope.teamId, id: targetId } },
          data: { email: source.email },
        });
      await tx.person.delete({ where: { teamId_id: { teamId: scope.teamId, id: sourceId } } });
      await audit(
        tx,
        scope,
        "person.merge",
        "Person",
        targetId,
        { people: [personView(source), personView(target)] },
        {
          person: personView(target),
          identitiesMoved: identities.map((i) => `${i.kind} ${i.value}`),
          runsMoved: affected.length,
        },
      );
      await rebuildRuns(
        tx,
        scope.teamId,
        affected.map((run) => run.id),
      );
    },
    null,
  );
}

export async function renamePerson(scope: Scope, id: string, input: z.input<typeof personSchema>) {
  return change(
    scope,
    async (tx) => {
      const person = personSchema.parse(input);
      const before = await tx.person.findFirst({ where: { teamId: scope.teamId, id } });
      if (!before) throw new OwnershipError("no such person");
      const email = before.userId ? before.email : (person.email ?? null); // a member's email is their account's
      await tx.person.update({
        where: { teamId_id: { teamId: scope.teamId, id } },
        data: { displayName: person.displayName, email },
      });
      await audit(
        tx,
        scope,
        "person.rename",
        "Person",
        id,
        personView(before),
        personView({ displayName: person.displayName, email }),
      );
    },
    false,
  );
}

/** Refuses to delete what a rule sets: the rule would silently stop setting it. */
async function assertNoRuleSets(tx: Tx, teamId: string, where: Prisma.OwnershipRuleWhereInput, what: string) {
  const rule = await tx.ownershipRule.findFirst({ where: { teamId, ...where }, select: { name: true } });
  if (rule) throw new OwnershipError(`the rule "${rule.name}" sets this ${what}: change or delete the rule first`);
}

/**
 * Deletes a person who is not a member: their runs go back to Unallocated (manual assignments
 * and splits naming them included), and their identities are marked as nobody's, so discovery
 * does not bring them back.
 */
export async function deletePerson(scope: Scope, id: string) {
  return change(
    scope,
    async (tx) => {
      const person = await tx.person.findFirst({ where: { teamId: scope.teamId, id } });
      if (!person) throw new OwnershipError("no such person");
      if (person.userId) throw new OwnershipError("a team member is always a person; remove the member instead");
      await assertNoRuleSets(tx, scope.teamId, { setOwnerId: id }, "person");
      const affected = await tx.$queryRaw<{ id: string }[]>`
        SELECT ${RunTable.id}::text FROM ${RunTable.$} WHERE ${RunTable.teamId} = ${scope.teamId}::uuid AND ${RunTable.ownerId} = ${id}::uuid
        UNION SELECT ${RunOwnerShare.runId}::text FROM ${RunOwnerShare.$} WHERE ${RunOwnerShare.teamId} = ${scope.teamId}::uuid AND ${RunOwnerShare.personId} = ${id}::uuid`;
      const runIds = affected.map((run) => run.id);
      await tx.identity.updateMany({
        where: { teamId: scope.teamId, personId: id },
        data: { personId: null, personSetBy: nobodyBy(scope) },
      });
      await tx.runOwnerShare.deleteMany({ where: { teamId: scope.teamId, runId: { in: runIds } } });
      await tx.run.updateMany({
        where: { teamId: scope.teamId, ownerId: id },
        data: { ownerId: null, ownerSetBy: null },
      });
      await tx.person.delete({ where: { teamId_id: { teamId: scope.teamId, id } } });
      await audit(tx, scope, "person.delete", "Person", id, { person: personView(person), runs: runIds.length }, null);
      await rebuildRuns(tx, scope.teamId, runIds);
    },
    null,
  );
}

export const projectSchema = z
  .object({
    name: z.string().trim().min(1, "a name").max(200),
    repositoryPattern: z
      .string()
      .trim()
      .max(MAX_PATTERN_CHARS)
      .optional()
      .transform((v) => v || null),
    pathPattern: z
      .string()
      .trim()
      .max(MAX_PATTERN_CHARS)
      .optional()
      .transform((v) => v || null),
  })
  .superRefine((project, ctx) => {
    for (const pattern of [project.repositoryPattern, project.pathPattern]) {
      const problem = pattern ? patternProblem(pattern) : null;
      if (problem) ctx.addIssue({ code: "custom", message: `a valid pattern (${problem})` });
    }
  });

export async function createProject(scope: Scope, input: z.input<typeof projectSchema>) {
  return change(
    scope,
    async (tx) => {
      const project = projectSchema.parse(input);
      if (await tx.project.findFirst({ where: { teamId: scope.teamId, name: project.name } }))
        throw new OwnershipError(`a project named ${project.name} exists`);
      const created = await tx.project.create({ data: { teamId: scope.teamId, ...project } });
      await audit(tx, scope, "project.create", "Project", created.id, null, project);
      return created;
    },
    null,
  );
}

const projectNameSchema = z.string().trim().min(1, "a name").max(200);

export async function renameProject(scope: Scope, id: string, name: string) {
  return change(
    scope,
    async (tx) => {
      const newName = projectNameSchema.parse(name);
      const before = await tx.project.findFirst({ where: { teamId: scope.teamId, id } });
      if (!before) throw new OwnershipError("no such project");
      if (await tx.project.findFirst({ where: { teamId: scope.teamId, name: newName, id: { not: id } } }))
        throw new OwnershipError(`a project named ${newName} exists`);
      await tx.project.update({ where: { teamId_id: { teamId: scope.teamId, id } }, data: { name: newName } });
      await audit(tx, scope, "project.rename", "Project", id, { name: before.name }, { name: newName });
    },
    false,
  );
}

/** Merges `sourceId` into `targetId`: runs, rules, tasks and the repositories discovery folds move over. */
export async function mergeProjects(scope: Scope, sourceId: string, targetId: string) {
  if (sourceId === targetId) throw new OwnershipError("pick two different projects");
  return change(
    scope,
    async (tx) => {
      const [source, target] = await Promise.all([
        tx.project.findFirst({ where: { teamId: scope.teamId, id: sourceId } }),
        tx.project.findFirst({ where: { teamId: scope.teamId, id: targetId } }),
      ]);
      if (!source || !target) throw new OwnershipError("no such project");
      const runs = await tx.run.findMany({
        where: { teamId: scope.teamId, projectId: sourceId },
        select: { id: true },
      });
      await tx.run.updateMany({ where: { teamId: scope.teamId, projectId: sourceId }, data: { projectId: targetId } });
      await tx.ownershipRule.updateMany({
        where: { teamId: scope.teamId, setProjectId: sourceId },
        data: { setProjectId: targetId },
      });
      await tx.task.updateMany({ where: { teamId: scope.teamId, projectId: sourceId }, data: { projectId: targetId } });
      await tx.project.update({
        where: { teamId_id: { teamId: scope.teamId, id: targetId } },
        data: {
          discoveryKeys: [...new Set([...target.discoveryKeys, ...source.discoveryKeys])],
          repositoryPattern: target.repositoryPattern ?? source.repositoryPattern,
          pathPattern: target.pathPattern ?? source.pathPattern,
        },
      });
      await tx.project.delete({ where: { teamId_id: { teamId: scope.teamId, id: sourceId } } });
      await audit(
        tx,
        scope,
        "project.merge",
        "Project",
        targetId,
        { projects: [source.name, target.name] },
        { project: target.name, runsMoved: runs.length },
      );
      await rebuildRuns(
        tx,
        scope.teamId,
        runs.map((run) => run.id),
      );
    },
    null,
  );
}

/** Remembers deleted discovery keys so discovery does not bring a deleted project or task back. */
async function ignoreKeys(tx: Tx, teamId: string, keys: string[]) {
  if (keys.length === 0) return;
  const settings = await tx.ownershipSettings.findUnique({ where: { teamId } });
  const ignoredKeys = [...new Set([...(settings?.ignoredKeys ?? []), ...keys])];
  await tx.ownershipSettings.upsert({ where: { teamId }, update: { ignoredKeys }, create: { teamId, ignoredKeys } });
}

/** Deletes a project: its runs go back to Unallocated, and discovery stops naming it. */
export async function deleteProject(scope: Scope, id: string) {
  return change(
    scope,
    async (tx) => {
      const project = await tx.project.findFirst({ where: { teamId: scope.teamId, id } });
      if (!project) throw new OwnershipError("no such project");
      await assertNoRuleSets(tx, scope.teamId, { setProjectId: id }, "project");
      const runs = await tx.run.findMany({ where: { teamId: scope.teamId, projectId: id }, select: { id: true } });
      await tx.run.updateMany({
        where: { teamId: scope.teamId, projectId: id },
        data: { projectId: null, projectSetBy: null },
      });
      await tx.task.updateMany({ where: { teamId: scope.teamId, projectId: id }, data: { projectId: null } });
      await ignoreKeys(
        tx,
        scope.teamId,
        project.discoveryKeys.map((key) => `project:${projectKey(key)}`),
      );
      await tx.project.delete({ where: { teamId_id: { teamId: scope.teamId, id } } });
      await audit(tx, scope, "project.delete", "Project", id, { project: project.name, runs: runs.length }, null);
      await rebuildRuns(
        tx,
        scope.teamId,
        runs.map((run) => run.id),
      );
    },
    null,
  );
}

const taskKeySchema = z.string().trim().min(1, "a key").max(100);

/** Renames a task's key; the old key keeps finding it (a ticket key in a branch, say). */
export async function renameTask(scope: Scope, id: string, key: string) {
  return change(
    scope,
    async (tx) => {
      const newKey = taskKeySchema.parse(key);
      const before = await tx.task.findFirst({ where: { teamId: scope.teamId, id } });
      if (!before) throw new OwnershipError("no such task");
      if (await tx.task.findFirst({ where: { teamId: scope.teamId, key: newKey, id: { not: id } } }))
        throw new OwnershipError(`a task named ${newKey} exists`);
      await tx.task.update({
        where: { teamId_id: { teamId: scope.teamId, id } },
        data: { key: newKey, discoveryKeys: [...new Set([...before.discoveryKeys, before.key])] },
      });
      await audit(tx, scope, "task.rename", "Task", id, { task: before.key }, { task: newKey });
    },
    false,
  );
}

export async function mergeTasks(scope: Scope, sourceId: string, targetId: string) {
  if (sourceId === targetId) throw new OwnershipError("pick two different tasks");
  return change(
    scope,
    async (tx) => {
      const [source, target] = await Promise.all([
        tx.task.findFirst({ where: { teamId: scope.teamId, id: sourceId } }),
        tx.task.findFirst({ where: { teamId: scope.teamId, id: targetId } }),
      ]);
      if (!source || !target) throw new OwnershipError("no such task");
      const runs = await tx.run.findMany({ where: { teamId: scope.teamId, taskId: sourceId }, select: { id: true } });
      await tx.run.updateMany({ where: { teamId: scope.teamId, taskId: sourceId }, data: { taskId: targetId } });
      await tx.ownershipRule.updateMany({
        where: { teamId: scope.teamId, setTaskId: sourceId },
        data: { setTaskId: targetId },
      });
      await tx.task.delete({ where: { teamId_id: { teamId: scope.teamId, id: sourceId } } });
      await tx.task.update({
        where: { teamId_id: { teamId: scope.teamId, id: targetId } },
        data: { discoveryKeys: [...new Set([...target.discoveryKeys, ...source.discoveryKeys, source.key])] },
      });
      await audit(
        tx,
        scope,
        "task.merge",
        "Task",
        targetId,
        { tasks: [source.key, target.key] },
        { task: target.key, runsMoved: runs.length },
      );
      await rebuildRuns(
        tx,
        scope.teamId,
        runs.map((run) => run.id),
      );
    },
    null,
  );
}

export async function deleteTask(scope: Scope, id: string) {
  return change(
    scope,
    async (tx) => {
      const task = await tx.task.findFirst({ where: { teamId: scope.teamId, id } });
      if (!task) throw new OwnershipError("no such task");
      await assertNoRuleSets(tx, scope.teamId, { setTaskId: id }, "task");
      const runs = await tx.run.findMany({ where: { teamId: scope.teamId, taskId: id }, select: { id: true } });
      await tx.run.updateMany({ where: { teamId: scope.teamId, taskId: id }, data: { taskId: null, taskSetBy: null } });
      await ignoreKeys(
        tx,
        scope.teamId,
        [task.key, ...task.discoveryKeys].map((key) => `task:${taskKey(key)}`),
      );
      await tx.task.delete({ where: { teamId_id: { teamId: scope.teamId, id } } });
      await audit(tx, scope, "task.delete", "Task", id, { task: task.key, runs: runs.length }, null);
      await rebuildRuns(
        tx,
        scope.teamId,
        runs.map((run) => run.id),
      );
    },
    null,
  );
}

export const taskSchema = z.object({
  key: z.string().trim().min(1, "a key").max(100),
  title: z.string().trim().max(300).optional(),
});

export async function createTask(scope: Scope, input: z.input<typeof taskSchema>) {
  return change(
    scope,
    async (tx) => {
      const task = taskSchema.parse(input);
      const created = await tx.task.upsert({
        where: { teamId_key: { teamId: scope.teamId, key: task.key } },
        update: { title: task.title ?? undefined },
        create: { teamId: scope.teamId, key: task.key, title: task.title ?? null },
      });
      await audit(tx, scope, "task.create", "Task", created.id, null, task);
      return created;
    },
    false,
  );
}

export const splitSchema = z
  .array(z.object({ personId: z.string().uuid(), percent: z.number().positive().max(100) }))
  .max(20)
  .refine(
    (shares) => shares.length === 0 || Math.round(shares.reduce((sum, s) => sum + s.percent, 0) * 10_000) === 1_000_000,
    "shares that add up to 100%",
  )
  .refine((shares) => new Set(shares.map((s) => s.personId)).size === shares.length, "each person once");

/** Splits a run's cost among owners by percentage (an empty list removes the split). */
export async function splitRun(scope: Scope, runId: string, input: z.input<typeof splitSchema>) {
  return change(
    scope,
    async (tx) => {
      const shares = splitSchema.parse(input);
      const run = await tx.run.findFirst({ where: { teamId: scope.teamId, id: runId } });
      if (!run) throw new OwnershipError("no such run");
      for (const share of shares) await assertTeamTargets(tx, scope.teamId, { ownerId: share.personId });
      const before = await tx.runOwnerShare.findMany({ where: { teamId: scope.teamId, runId } });
      await tx.runOwnerShare.deleteMany({ where: { teamId: scope.teamId, runId } });
      if (shares.length > 0) {
        await tx.runOwnerShare.createMany({
          data: shares.map((share) => ({
            teamId: scope.teamId,
            runId,
            personId: share.personId,
            percent: share.percent.toFixed(4),
          })),
        });
      }
      await audit(
        tx,
        scope,
        "run.split",
        "Run",
        runId,
        before.map((s) => ({ personId: s.personId, percent: Number(s.percent) })),
        shares,
      );
      await rebuildDailySpend(tx, scope.teamId, await daysOfRuns(tx, scope.teamId, [runId]));
    },
    false,
  );
}

export const discoverySettingsSchema = z.object({
  discoverOwners: z.boolean(),
  discoverProjects: z.boolean(),
  discoverTasks: z.boolean(),
});

/** Switches each kind of discovery on or off for the team, and re-attributes history to match. */
export async function updateDiscoverySettings(scope: Scope, input: z.input<typeof discoverySettingsSchema>) {
  return change(
    scope,
    async (tx) => {
      const settings = discoverySettingsSchema.parse(input);
      const before = await tx.ownershipSettings.findUnique({ where: { teamId: scope.teamId } });
      await tx.ownershipSettings.upsert({
        where: { teamId: scope.teamId },
        update: settings,
        create: { teamId: scope.teamId, ...settings },
      });
      const was = {
        discoverOwners: before?.discoverOwners ?? true,
        discoverProjects: before?.discoverProjects ?? true,
        discoverTasks: before?.discoverTasks ?? true,
      };
      await audit(tx, scope, "settings.discovery", "OwnershipSettings", null, was, settings);
    },
    null,
  );
}
