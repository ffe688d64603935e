/**
 * The patterns of ownership rules and project paths: a glob, or `/regex/flags`. They run on
 * values an uploader chooses (working directory, branch, identity), so a pattern must never take
 * more than linear time in the value: both forms compile to RE2 (re2js, a pure-JavaScript port of
 * RE2 that never backtracks). JavaScript's own RegExp took seconds per match on `/(a+)+$/`, and
 * picomatch's regexes on `*a*a*a*a*a*a*a*a*b`.
 *
 * What a glob may hold: `*` (any characters but `/`), `**` (any characters, `/` included; `**\/`
 * and `/**` also match nothing), `?` (one character but `/`), `[abc]`, `[a-z]`, `[!abc]`,
 * `{a,b}` (alternatives, nestable), `\` to take the next character literally, and a leading `!`
 * to negate the whole pattern. Globs ignore case. Everything else is literal.
 * What a /regex/ may hold: RE2 syntax with flags i, m, s, u; no backreferences, no lookaround.
 */
import { RE2JS, RE2JSException } from "re2js";

/** Longest pattern an admin may save. */
export const MAX_PATTERN_CHARS = 500;
/** Values longer than this match no pattern: no real path, branch or email is this long. */
export const MAX_MATCHED_CHARS = 1024;

export class PatternError extends Error {}

export type ValueMatcher = (value: string) => boolean;

/** What the rule forms say is allowed (components/ownership). */
export const patternHelp =
  "Glob: * (within a path segment), ** (across segments), ?, [a-z], {a,b}, a leading ! negates; case is ignored. " +
  "Or /regex/flags in RE2 syntax (flags i, m, s, u; no backreferences or lookaround).";

const regexFlags: Record<string, number> = { i: RE2JS.CASE_INSENSITIVE, m: RE2JS.MULTILINE, s: RE2JS.DOTALL, u: 0 };

/** Compiles a pattern, or throws a PatternError saying what is not allowed. */
export function compilePattern(pattern: string): ValueMatcher {
  if (pattern.length === 0) throw new PatternError("the pattern is empty");
  if (pattern.length > MAX_PATTERN_CHARS)
    throw new PatternError(`a pattern may be at most ${MAX_PATTERN_CHARS} characters`);
  const lastSlash = pattern.lastIndexOf("/");
  const flags = pattern.slice(lastSlash + 1);
  if (pattern.startsWith("/") && lastSlash > 1 && /^[imsu]*$/.test(flags)) {
    const source = pattern.slice(1, lastSlash);
    const compiled = compileRe2(
      source,
      [...flags].reduce((all, flag) => all | regexFlags[flag]!, 0),
    );
    return bounded((value) => compiled.test(value));
  }
  const negated = pattern.startsWith("!") && !pattern.startsWith("!(");
  const compiled = compileRe2(`(?:${globToRe2(negated ? pattern.slice(1) : pattern)})/?`, RE2JS.CASE_INSENSITIVE);
  return bounded(negated ? (value) => !compiled.testExact(value) : (value) => compiled.testExact(value));
}

/** Why a pattern cannot be saved, or null when it can. */
export function patternProblem(pattern: string): string | null {
  try {
    compilePattern(pattern);
    return null;
  } catch (error) {
    if (error instanceof PatternError) return error.message;
    throw error;
  }
}

const cache = new Map<string, ValueMatcher>();
const CACHED_PATTERNS = 1000;
const matchesNothing: ValueMatcher = () => false;

/**
 * The matcher of a stored pattern. A pattern saved before these rules (a JavaScript regex with a
 * backreference, say) matches nothing rather than failing every ingest; the rule form says why
 * when it is next edited.
 */
export function storedPatternMatcher(pattern: string): ValueMatcher {
  let matcher = cache.get(pattern);
  if (!matcher) {
    try {
      matcher = compilePattern(pattern);
    } catch (error) {
      if (!(error instanceof PatternError)) throw error;
      matcher = matchesNothing;
    }
    if (cache.size >= CACHED_PATTERNS) cache.clear();
    cache.set(pattern, matcher);
  }
  return matcher;
}

function bounded(matcher: ValueMatcher): ValueMatcher {
  return (value) => value.length <= MAX_MATCHED_CHARS && matcher(value);
}

function compileRe2(source: string, flags: number): RE2JS {
  try {
    return RE2JS.compile(source, flags);
  } catch (error) {
    if (!(error instanceof RE2JSException)) throw error;
    throw new PatternError(explainRe2Error(source, error.message));
  }
}

function explainRe2Error(source: string, message: string): string {
  const engine = "patterns run on a linear-time engine (RE2)";
  if (/\\[1-9]/.test(source) && message.includes("escape"))
    return `backreferences such as \\1 are not supported: ${engine}`;
  if (/\(\?<?[=!]/.test(source)) return `lookahead and lookbehind ((?=, (?!, (?<=, (?<!) are not supported: ${engine}`;
  if (message.includes("repeat count"))
    return `a repeat count {n} may be at most 1000, nested repeats included (${message.replace(/^error parsing regexp: /, "")})`;
  return `not a valid regular expression in RE2 syntax (${message.replace(/^error parsing regexp: /, "")})`;
}

const RE2_SPECIAL = new Set([..."\\^$.|?*+()[]{}"]);
const literal = (char: string) => (RE2_SPECIAL.has(char) ? `\\${char}` : char);

/** A glob as an RE2 expression matching the whole value (see the file's comment for the syntax). */
export function globToRe2(glob: string): string {
  let out = "";
  let braces = 0;
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i]!;
    const next = glob[i + 1];
    if ("!@+*?".includes(char) && next === "(")
      throw new PatternError(`extglob groups such as ${char}(a|b) are not supported: use {a,b}, or a /regex/`);
    if (char === "\\") {
      if (next === undefined) throw new PatternError("the pattern ends with a lone \\");
      out += literal(next);
      i += 1;
    } else if (char === "*" && next === "*") {
      const atSegmentStart = i === 0 || "/{,".includes(glob[i - 1]!);
      const atSegmentEnd = i + 2 === glob.length || "/},".includes(glob[i + 2]!);
      if (atSegmentStart && glob[i + 2] === "/") {
        out += "(?:.*/)?"; // `**/` also matches no directory at all
        i += 2;
      } else if (atSegmentEnd && out.endsWith("/") && i > 0 && glob[i - 1] === "/") {
        out = `${out.slice(0, -1)}(?:/.*)?`; // `/**` also matches the directory itself
        i += 1;
      } else {
        out += ".*";
        i += 1;
        while (glob[i + 1] === "*") i += 1;
      }
    } else if (char === "*") {
      out += "[^/]*";
    } else if (char === "?") {
      out += "[^/]";
    } else if (char === "[") {
      const close = glob.indexOf("]", i + 2);
      if (close === -1) {
        out += "\\[";
        continue;
      }
      let body = glob.slice(i + 1, close);
      const negate = body.startsWith("!") || body.startsWith("^");
      if (negate) body = body.slice(1);
      out += `[${negate ? "^" : ""}${[...body].map((c) => (c === "\\" || c === "[" || c === "]" || c === "^" ? `\\${c}` : c)).join("")}]`;
      i = close;
    } else if (char === "{") {
      braces += 1;
      out += "(?:";
    } else if (char === "," && braces > 0) {
      out += "|";
    } else if (char === "}" && braces > 0) {
      braces -= 1;
      out += ")";
    } else {
      out += literal(char);
    }
  }
  if (braces > 0) throw new PatternError("a { has no closing }");
  return out;
}
