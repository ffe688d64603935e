/**
 * Tags a run's trace carries, the one rule for what is kept: OpenTelemetry resource attributes
 * (OTEL_RESOURCE_ATTRIBUTES such as team=platform, cost_center=eng-42, and the exporter's own
 * service.name, os.type, ...) and a native record's `tags` object. Stored per run by
 * lib/store/run-tags.ts; a cohort `tag:key=value` selects by them (lib/compare/cohort-spec.ts).
 *
 * Keys and values are untrusted: a key or value that is empty, too long, or holds a control
 * character or a lone surrogate drops that tag (cutting or cleaning it could make two tags one);
 * at most MAX_TAGS_PER_RUN are kept, in the order they came.
 */
import { idProblem } from "./validate-events";

export const MAX_TAGS_PER_RUN = 32;
export const MAX_TAG_KEY_CHARS = 128;
export const MAX_TAG_VALUE_CHARS = 256;

/** Attributes that name a person, a session or an organization: they identify, they do not tag. */
const NOT_A_TAG = /^(user\.|session\.id$|organization\.)/;

export type RunTags = Record<string, string>;

function tagProblem(key: string, value: string): boolean {
  return (
    key === "" ||
    value === "" ||
    key.length > MAX_TAG_KEY_CHARS ||
    value.length > MAX_TAG_VALUE_CHARS ||
    idProblem(key) !== null ||
    idProblem(value) !== null
  );
}

/** The tags that may be stored, at most MAX_TAGS_PER_RUN; null when none. */
export function cleanTags(tags: Readonly<Record<string, unknown>> | null | undefined): RunTags | null {
  if (!tags) return null;
  const kept: RunTags = {};
  let count = 0;
  for (const key in tags) {
    if (!Object.hasOwn(tags, key)) continue;
    const value = tags[key];
    if (typeof value !== "string" || tagProblem(key, value)) continue;
    kept[key] = value;
    if (++count === MAX_TAGS_PER_RUN) break;
  }
  return count > 0 ? kept : null;
}

/** Whether an OpenTelemetry resource attribute is kept as a tag. */
export function isResourceTag(key: string): boolean {
  return !NOT_A_TAG.test(key);
}
