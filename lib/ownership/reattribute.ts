/**
 * Applies attribution to stored runs: at ingest for the runs a chunk touched, and over history
 * when an admin edits rules, links identities or assigns runs. Changed runs move their spend in
 * DailySpend by rebuilding the days they have spend on, so totals by owner, project and task
 * always add up to the team total.
 */
import { db } from "@/lib/db/client";
import { jsonRows } from "@/lib/db/json-rows";
import { Prisma } from "@/lib/generated/prisma/client";
import { attributeRun, ruleFields, type Attribution, type AttributionContext, type OwnershipRuleInput, type RuleField, type RunFacts } from "./attribution";
import { daysOfRuns, rebuildDailySpend } from "@/lib/rollups/spend";

type Tx = Prisma.TransactionClient;

export async function loadAttributionContext(tx: Tx | ReturnType<typeof db>, teamId: string): Promise<AttributionContext> {
  const [rules, identities, projects] = await Promise.all([
    tx.ownershipRule.findMany({ where: { teamId }, orderBy: { position: "asc" } }),
    tx.identity.findMany({ where: { teamId, personId: { not: null } }, select: { id: true, personId: true } }),
    tx.project.findMany({ where: { teamId }, select: { id: true, repositoryPattern: true, pathPattern: true }, orderBy: { createdAt: "asc" } }),
  ]);
  return {
    rules: rules.map((rule) => ({ ...rule, matchField: (ruleFields as readonly string[]).includes(rule.matchField) ? (rule.matchField as RuleField) : "source" })),
    identityPeople: new Map(identities.map((identity) => [identity.id, identity.personId!])),
    projects,
  };
}

interface RunFactsRow extends RunFacts {
  id: string;
  costUsd: number;
}

async function runFacts(tx: Tx | ReturnType<typeof db>, teamId: string, runIds: string[] | null): Promise<RunFactsRow[]> {
  return tx.$queryRaw<RunFactsRow[]>`
    SELECT r.id::text, r.repository, r.cwd, r."gitBranch" AS branch, i.value AS identity, r."identityId"::text AS "identityId",
      r.models, r."apiKeyId"::text AS "apiKeyId", r.source, r.title,
      r."ownerId"::text AS "ownerId", r."ownerSetBy", r."projectId"::text AS "projectId", r."projectSetBy",
      r."taskId"::text AS "taskId", r."taskSetBy", r."costUsd"::float8 AS "costUsd"
    FROM "Run" r LEFT JOIN "Identity" i ON i."teamId" = r."teamId" AND i.id = r."identityId"
    WHERE r."teamId" = ${teamId}::uuid ${runIds ? Prisma.sql`AND r.id = ANY(${runIds}::uuid[])` : Prisma.empty}`;
}

/** Finds or creates the tasks named by ticket keys, and fills in their ids. */
async function resolveTicketTasks(tx: Tx, teamId: string, decisions: Attribution[]): Promise<void> {
  const keys = [...new Set(decisions.flatMap((d) => (d.task.ticketKey ? [d.task.ticketKey] : [])))];
  if (keys.length === 0) return;
  const rows = await tx.$queryRaw<{ id: string; key: string }[]>`
    INSERT INTO "Task" ("teamId", key) SELECT ${teamId}::uuid, t.key FROM ${jsonRows(keys.map((key) => ({ key })), "t(key text)")}
    ON CONFLICT ("teamId", key) DO UPDATE SET key = excluded.key
    RETURNING id::text, key`;
  const idOf = new Map(rows.map((row) => [row.key, row.id]));
  for (const decision of decisions) if (decision.task.ticketKey) decision.task.id = idOf.get(decision.task.ticketKey) ?? null;
}

const unchanged = (facts: RunFacts, a: Attribution) =>
  facts.ownerId === a.owner.id && facts.ownerSetBy === a.owner.setBy && facts.projectId === a.project.id && facts.projectSetBy === a.project.setBy && facts.taskId === a.task.id && facts.taskSetBy === a.task.setBy;

/**
 * Re-attributes the given runs (all of the team's when null) inside a transaction. Returns the
 * ids of the runs whose owner, project or task changed; their days' DailySpend is rebuilt.
 */
export async function attributeRunsInTransaction(tx: Tx, teamId: string, runIds: string[] | null, context: AttributionContext): Promise<string[]> {
  const runs = await runFacts(tx, teamId, runIds);
  const decisions = runs.map((run) => attributeRun(run, context));
  await resolveTicketTasks(tx, teamId, decisions);
  const changed = runs.flatMap((run, index) => (unchanged(run, decisions[index]!) ? [] : [{ run, decision: decisions[index]! }]));
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
    UPDATE "Run" r SET "ownerId" = c.owner, "ownerSetBy" = c.owner_by, "projectId" = c.project, "projectSetBy" = c.project_by,
      "taskId" = c.task, "taskSetBy" = c.task_by, "updatedAt" = now()
    FROM ${jsonRows(updates, "c(id uuid, owner uuid, owner_by text, project uuid, project_by text, task uuid, task_by text)")}
    WHERE r."teamId" = ${teamId}::uuid AND r.id = c.id`;
  const runIdsChanged = changed.map((c) => c.run.id);
  await rebuildDailySpend(tx, teamId, await daysOfRuns(tx, teamId, runIdsChanged));
  return runIdsChanged;
}

/** Re-applies the current rules and links to all of a team's history. */
export async function reattributeTeam(teamId: string): Promise<string[]> {
  return db().$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${teamId}))`;
      return attributeRunsInTransaction(tx, teamId, null, await loadAttributionContext(tx, teamId));
    },
    { timeout: 300_000, maxWait: 60_000 },
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
export async function previewRules(teamId: string, propose: (current: OwnershipRuleInput[]) => OwnershipRuleInput[]): Promise<AttributionMove[]> {
  const current = await loadAttributionContext(db(), teamId);
  const context = { ...current, rules: propose(current.rules) };
  const runs = await runFacts(db(), teamId, null);
  const moves = new Map<string, AttributionMove>();
  const tasksByKey = new Map((await db().task.findMany({ where: { teamId }, select: { id: true, key: true } })).map((t) => [t.key, t.id]));
  for (const run of runs) {
    const decision = attributeRun(run, context);
    if (decision.task.ticketKey) decision.task.id = tasksByKey.get(decision.task.ticketKey) ?? `new:${decision.task.ticketKey}`;
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
