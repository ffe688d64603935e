/**
 * What set a run's owner, project or task (Run.ownerSetBy, projectSetBy, taskSetBy), stored as
 * "<kind>:<value>": by hand "manual:<userId>", a rule "rule:<ruleId>", a project's pattern
 * "project-pattern:<projectId>", a linked identity "identity:<identityId>", or discovery's
 * "repository:<name>", "directory:<name>", "ticket:<KEY>", "branch:<name>", "pr:<owner/name#n>".
 * Written with `provenance`, read with `parseProvenance`, nowhere split by hand.
 */
export const provenanceKinds = [
  "manual",
  "rule",
  "project-pattern",
  "identity",
  "repository",
  "directory",
  "ticket",
  "branch",
  "pr",
] as const;
export type ProvenanceKind = (typeof provenanceKinds)[number];

export function provenance(kind: ProvenanceKind, value: string): string {
  return `${kind}:${value}`;
}

/** The kind and value of a stored provenance; null for anything else (a value from an older version). */
export function parseProvenance(setBy: string): { kind: ProvenanceKind; value: string } | null {
  const colon = setBy.indexOf(":");
  const kind = setBy.slice(0, colon);
  if (colon <= 0 || !(provenanceKinds as readonly string[]).includes(kind)) return null;
  return { kind: kind as ProvenanceKind, value: setBy.slice(colon + 1) };
}

/** Set by hand: a manual choice beats every rule and discovery. */
export const isManual = (setBy: string | null): boolean => setBy !== null && parseProvenance(setBy)?.kind === "manual";
