/**
 * Who owns a run, which project and which task it belongs to, and what decided each: the
 * precedence Kubecost-style allocation needs, in one pure function.
 *
 *   1. a manual assignment of the run (by an admin) beats everything;
 *   2. then the rules, top to bottom: the first enabled rule that matches and sets a field sets it;
 *   3. then what the data says by itself: the trace identity's linked person (owner), a project
 *      whose repository or path pattern matches (project), a ticket key such as ABC-123 in the
 *      branch or the first prompt (task);
 *   4. else the field stays unallocated, and the spend shows as "Unallocated".
 */
import { storedPatternMatcher } from "./pattern";

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
  /** Current values and provenance, to keep manual assignments. */
  ownerId: string | null;
  ownerSetBy: string | null;
  projectId: string | null;
  projectSetBy: string | null;
  taskId: string | null;
  taskSetBy: string | null;
}

export interface AttributionContext {
  rules: OwnershipRuleInput[];
  /** identityId -> personId, for identities an admin linked to a person. */
  identityPeople: Map<string, string>;
  projects: { id: string; repositoryPattern: string | null; pathPattern: string | null }[];
}

export interface FieldDecision {
  id: string | null;
  /** "manual:<userId>", "rule:<id>", "identity:<id>", "project-pattern:<id>", "ticket:<KEY>", or null. */
  setBy: string | null;
}

export interface Attribution {
  owner: FieldDecision;
  project: FieldDecision;
  /** A ticket key found in the data is returned as `ticketKey`; the caller finds or creates its Task. */
  task: FieldDecision & { ticketKey?: string };
}

const TICKET_KEY = /\b([A-Z][A-Z0-9]{1,9}-\d{1,7})\b/;

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

const isManual = (setBy: string | null) => setBy?.startsWith("manual:") ?? false;

export function attributeRun(facts: RunFacts, context: AttributionContext): Attribution {
  const rules = [...context.rules].sort((a, b) => a.position - b.position).filter((rule) => ruleMatches(rule, facts));
  const fromRules = (pick: (rule: OwnershipRuleInput) => string | null): FieldDecision | null => {
    const rule = rules.find((candidate) => pick(candidate) !== null);
    return rule ? { id: pick(rule), setBy: `rule:${rule.id}` } : null;
  };

  const owner: FieldDecision = isManual(facts.ownerSetBy)
    ? { id: facts.ownerId, setBy: facts.ownerSetBy }
    : (fromRules((rule) => rule.setOwnerId) ??
      (facts.identityId && context.identityPeople.has(facts.identityId)
        ? { id: context.identityPeople.get(facts.identityId)!, setBy: `identity:${facts.identityId}` }
        : { id: null, setBy: null }));

  const patternProject = context.projects.find(
    (project) =>
      (project.repositoryPattern && facts.repository && storedPatternMatcher(project.repositoryPattern)(facts.repository)) ||
      (project.pathPattern && facts.cwd && storedPatternMatcher(project.pathPattern)(facts.cwd)),
  );
  const project: FieldDecision = isManual(facts.projectSetBy)
    ? { id: facts.projectId, setBy: facts.projectSetBy }
    : (fromRules((rule) => rule.setProjectId) ?? (patternProject ? { id: patternProject.id, setBy: `project-pattern:${patternProject.id}` } : { id: null, setBy: null }));

  let task: Attribution["task"];
  if (isManual(facts.taskSetBy)) task = { id: facts.taskId, setBy: facts.taskSetBy };
  else {
    const ticketKey = TICKET_KEY.exec(facts.branch ?? "")?.[1] ?? TICKET_KEY.exec(facts.title ?? "")?.[1];
    task = fromRules((rule) => rule.setTaskId) ?? (ticketKey ? { id: null, setBy: `ticket:${ticketKey}`, ticketKey } : { id: null, setBy: null });
  }
  return { owner, project, task };
}
