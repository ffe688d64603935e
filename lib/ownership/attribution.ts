/**
 * Who owns a run, which project and which task it belongs to, and what decided each: the
 * precedence Kubecost-style allocation needs, in one pure function.
 *
 *   1. a manual assignment of the run (by an admin) beats everything;
 *   2. then the rules, top to bottom: the first enabled rule that matches and sets a field sets it;
 *   3. then a project whose repository or path pattern matches (project);
 *   4. then discovery, what the data says by itself (lib/ownership/discovery.ts), each kind unless
 *      an admin switched it off: the person the trace identity is linked to (owner), the
 *      repository (project), a ticket key, feature branch or pull request (task);
 *   5. else the field stays unallocated, and the spend shows as "Unallocated".
 */
import { discoverRepository, discoverTask } from "./discovery";
import { storedPatternMatcher } from "./pattern";
import { isManual, provenance } from "./provenance";

export const ruleFields = ["repository", "cwd", "branch", "identity", "model", "apiKey", "source"] as const;
export type RuleField = (typeof ruleFields)[number];

export interface OwnershipRuleInput {
  id: string;
  position: number;
  matchField: RuleField;
  pattern: string;
  setOwnerId: string | null;
  setProjectId: string | null;
  setTaskId: string | null;
  enabled: boolean;
}

export interface RunFacts {
  repository: string | null;
  cwd: string | null;
  branch: string | null;
  /** The identity's value (an email, an OS user), and its id. */
  identity: string | null;
  identityId: string | null;
  models: string[];
  apiKeyId: string | null;
  source: string;
  title: string | null;
  /** A pull request the run's tool output shows it opened. */
  pullRequest: string | null;
  /** The person the identity is linked to, and what linked it (Identity.personSetBy). */
  identityPersonId: string | null;
  identityPersonSetBy: string | null;
  /** Current values and provenance, to keep manual assignments. */
  ownerId: string | null;
  ownerSetBy: string | null;
  projectId: string | null;
  projectSetBy: string | null;
  taskId: string | null;
  taskSetBy: string | null;
}

export interface DiscoverySettings {
  owners: boolean;
  projects: boolean;
  tasks: boolean;
  /** "project:<key>" and "task:<key>" an admin deleted: discovery does not bring them back. */
  ignoredKeys: Set<string>;
}

export interface AttributionContext {
  rules: OwnershipRuleInput[];
  projects: { id: string; repositoryPattern: string | null; pathPattern: string | null }[];
  discovery: DiscoverySettings;
  /** Discovery keys (see projectKey, taskKey) -> the project or task they fold into. */
  projectsByKey: Map<string, string>;
  tasksByKey: Map<string, string>;
}

export interface FieldDecision {
  id: string | null;
  /** What decided it (lib/ownership/provenance.ts); null when nothing did. */
  setBy: string | null;
  /** A project or task discovery named that does not exist yet: the caller creates it. */
  discoveredKey?: string;
}

export interface Attribution {
  owner: FieldDecision;
  project: FieldDecision;
  task: FieldDecision;
}

/** Repository names fold case-insensitively; task keys are kept as written. */
export const projectKey = (name: string) => name.toLowerCase();
export const taskKey = (key: string) => key;

function factValues(facts: RunFacts, field: RuleField): string[] {
  switch (field) {
    case "repository":
      return facts.repository ? [facts.repository] : [];
    case "cwd":
      return facts.cwd ? [facts.cwd] : [];
    case "branch":
      return facts.branch ? [facts.branch] : [];
    case "identity":
      return facts.identity ? [facts.identity] : [];
    case "model":
      return facts.models;
    case "apiKey":
      return facts.apiKeyId ? [facts.apiKeyId] : [];
    case "source":
      return [facts.source];
  }
}

export function ruleMatches(rule: OwnershipRuleInput, facts: RunFacts): boolean {
  if (!rule.enabled) return false;
  const matches = storedPatternMatcher(rule.pattern);
  return factValues(facts, rule.matchField).some((value) => matches(value));
}

/** Links an admin or an account made always count; discovery's only while owner discovery is on. */
function linkedPerson(facts: RunFacts, discovery: DiscoverySettings): FieldDecision | null {
  if (!facts.identityId || !facts.identityPersonId) return null;
  if (facts.identityPersonSetBy === "discovery" && !discovery.owners) return null;
  return { id: facts.identityPersonId, setBy: provenance("identity", facts.identityId) };
}

function discoveredProject(facts: RunFacts, context: AttributionContext): FieldDecision | null {
  if (!context.discovery.projects) return null;
  const found = discoverRepository(facts.repository, facts.cwd);
  if (!found) return null;
  const key = projectKey(found.name);
  if (context.discovery.ignoredKeys.has(`project:${key}`)) return null;
  const id = context.projectsByKey.get(key) ?? null;
  return { id, setBy: provenance(found.from, found.name), ...(id ? {} : { discoveredKey: found.name }) };
}

function discoveredTask(facts: RunFacts, context: AttributionContext): FieldDecision | null {
  if (!context.discovery.tasks) return null;
  const found = discoverTask(facts.branch, facts.title, facts.pullRequest);
  if (!found) return null;
  const key = taskKey(found.key);
  if (context.discovery.ignoredKeys.has(`task:${key}`)) return null;
  const id = context.tasksByKey.get(key) ?? null;
  return { id, setBy: provenance(found.from, found.key), ...(id ? {} : { discoveredKey: found.key }) };
}

const unallocated: FieldDecision = { id: null, setBy: null };

export function attributeRun(facts: RunFacts, context: AttributionContext): Attribution {
  const rules = [...context.rules].sort((a, b) => a.position - b.position).filter((rule) => ruleMatches(rule, facts));
  const fromRules = (pick: (rule: OwnershipRuleInput) => string | null): FieldDecision | null => {
    const rule = rules.find((candidate) => pick(candidate) !== null);
    return rule ? { id: pick(rule), setBy: provenance("rule", rule.id) } : null;
  };

  const owner: FieldDecision = isManual(facts.ownerSetBy)
    ? { id: facts.ownerId, setBy: facts.ownerSetBy }
    : (fromRules((rule) => rule.setOwnerId) ?? linkedPerson(facts, context.discovery) ?? unallocated);

  const patternProject = context.projects.find(
    (project) =>
      (project.repositoryPattern &&
        facts.repository &&
        storedPatternMatcher(project.repositoryPattern)(facts.repository)) ||
      (project.pathPattern && facts.cwd && storedPatternMatcher(project.pathPattern)(facts.cwd)),
  );
  const project: FieldDecision = isManual(facts.projectSetBy)
    ? { id: facts.projectId, setBy: facts.projectSetBy }
    : (fromRules((rule) => rule.setProjectId) ??
      (patternProject ? { id: patternProject.id, setBy: provenance("project-pattern", patternProject.id) } : null) ??
      discoveredProject(facts, context) ??
      unallocated);

  const task: FieldDecision = isManual(facts.taskSetBy)
    ? { id: facts.taskId, setBy: facts.taskSetBy }
    : (fromRules((rule) => rule.setTaskId) ?? discoveredTask(facts, context) ?? unallocated);
  return { owner, project, task };
}
