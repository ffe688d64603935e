/**
 * What `create_distributed_table(table, 'teamId')` needs of the schema and the queries, checked
 * on the live test database and on the source of the analytics queries (lib/db/citus-ready.test.ts):
 * - every table with a "teamId" is distributed by it, unless declared a reference table (copied to
 *   every node); every table without one is a declared reference table;
 * - a team-owned table's primary key, unique constraints and foreign keys to other team-owned tables
 *   start with teamId (co-located: each team's rows and their references live on one node);
 *   a reference table refers to no team-owned table;
 * - every raw SQL statement of the analytics queries filters every team-owned table it reads on
 *   teamId, and joins team-owned tables on teamId (no join across teams); every Prisma model call
 *   there names teamId (or goes through teamDb, which adds it).
 */
import { readFileSync } from "node:fs";
import type pg from "pg";
import { tableDeclarations, tableNameSql } from "./sql-source";

/**
 * One copy on every node: the teams and users, and the small tables looked up by something other
 * than the team (a member's teams at sign-in, a user's invitations, an API key by its prefix), so
 * those look-ups stay local instead of asking every node.
 */
export const referenceTables = ["Team", "User", "Membership", "Invitation", "ApiKey"] as const;

/** Bookkeeping of the migration tool, on the coordinator only. */
const localTables = new Set(["_prisma_migrations"]);

export interface SchemaProblem {
  table: string;
  problem: string;
}

interface Key {
  table: string;
  name: string;
  kind: "p" | "u" | "f" | "unique index";
  columns: string[];
  referencedTable: string | null;
  referencedColumns: string[] | null;
}

export async function schemaProblems(client: pg.Client): Promise<{ distributed: string[]; problems: SchemaProblem[] }> {
  const { rows: tables } = await client.query<{ table: string; hasTeamId: boolean }>(`
    SELECT c.relname AS table,
      EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'teamId' AND NOT a.attisdropped) AS "hasTeamId"
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition
    ORDER BY 1`);
  // Constraints, and unique indexes that are not constraints (Citus needs both to include teamId).
  const { rows: keys } = await client.query<Key>(`
    SELECT t.relname AS table, k.conname AS name, k.contype AS kind,
      array(SELECT a.attname::text FROM unnest(k.conkey) WITH ORDINALITY u(n, i)
            JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.n ORDER BY u.i) AS columns,
      r.relname AS "referencedTable",
      CASE WHEN k.confrelid = 0 THEN NULL ELSE
        array(SELECT a.attname::text FROM unnest(k.confkey) WITH ORDINALITY u(n, i)
              JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.n ORDER BY u.i) END AS "referencedColumns"
    FROM pg_constraint k
    JOIN pg_class t ON t.oid = k.conrelid
    JOIN pg_namespace n ON n.oid = t.relnamespace
    LEFT JOIN pg_class r ON r.oid = k.confrelid
    WHERE n.nspname = current_schema() AND k.contype IN ('p', 'u', 'f')
    UNION ALL
    SELECT t.relname, i.relname, 'unique index',
      array(SELECT a.attname::text FROM unnest(x.indkey::int2[]) WITH ORDINALITY u(n, o)
            JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = u.n ORDER BY u.o),
      NULL, NULL
    FROM pg_index x
    JOIN pg_class i ON i.oid = x.indexrelid
    JOIN pg_class t ON t.oid = x.indrelid
    JOIN pg_namespace n ON n.oid = t.relnamespace
    WHERE n.nspname = current_schema() AND x.indisunique
      AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid)
    ORDER BY 1, 2`);

  const reference = new Set<string>(referenceTables);
  const distributed = tables.filter((t) => t.hasTeamId && !reference.has(t.table)).map((t) => t.table);
  const isDistributed = new Set(distributed);
  const problems: SchemaProblem[] = [];
  for (const { table, hasTeamId } of tables) {
    if (localTables.has(table)) continue;
    if (!reference.has(table) && !hasTeamId) {
      problems.push({ table, problem: "neither team-owned (no teamId) nor a declared reference table" });
    }
  }
  for (const table of distributed) {
    if (!keys.some((key) => key.table === table && key.kind === "p"))
      problems.push({ table, problem: "no primary key" });
  }
  for (const key of keys) {
    if (localTables.has(key.table)) continue;
    const columns = `(${key.columns.join(", ")})`;
    if (isDistributed.has(key.table)) {
      if (key.kind !== "f" && key.columns[0] !== "teamId") {
        const what = key.kind === "p" ? "primary key" : key.kind === "u" ? "unique constraint" : "unique index";
        problems.push({ table: key.table, problem: `${what} ${key.name} ${columns} does not start with teamId` });
      }
      if (
        key.kind === "f" &&
        key.referencedTable !== null &&
        isDistributed.has(key.referencedTable) &&
        (key.columns[0] !== "teamId" || key.referencedColumns?.[0] !== "teamId")
      ) {
        problems.push({
          table: key.table,
          problem: `foreign key ${key.name} ${columns} -> ${key.referencedTable}(${key.referencedColumns?.join(", ")}) does not start with teamId on both sides`,
        });
      }
    } else if (key.kind === "f" && key.referencedTable !== null && isDistributed.has(key.referencedTable)) {
      problems.push({
        table: key.table,
        problem: `foreign key ${key.name} from a reference table to the team-owned ${key.referencedTable}`,
      });
    }
  }
  return { distributed, problems };
}

export interface QueryProblem {
  file: string;
  line: number;
  problem: string;
}

const sqlTag = /(\$queryRaw(?:Unsafe)?|\$executeRaw|Prisma\.sql)\s*/g;
const tableRead =
  /\b(FROM|JOIN)\s+(?:"public"\.)?"(\w+)"(?:\s+(?:AS\s+)?(?!(?:WHERE|ON|LEFT|RIGHT|INNER|FULL|CROSS|JOIN|GROUP|ORDER|LIMIT|USING|SET|UNION|WINDOW|HAVING)\b)([a-z_]\w*))?/gi;
const modelCall =
  /\b(?:db|readDb)\(\)\.(\w+)\.(findMany|findFirst|findFirstOrThrow|findUnique|findUniqueOrThrow|count|aggregate|groupBy|updateMany|deleteMany|update|delete|upsert)\(/g;

const lineOf = (text: string, index: number) => text.slice(0, index).split("\n").length;

/** A part of a template literal: its text, or an interpolated expression with the templates in it. */
type Part = { text: string } | { expression: string; templates: Template[] };
interface Template {
  tag: string;
  start: number;
  end: number;
  parts: Part[];
}

/** Skips a string literal starting at `at`; returns the index after it. */
function skipString(text: string, at: number): number {
  const quote = text[at];
  for (let i = at + 1; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === quote) return i + 1;
  }
  return text.length;
}

/** The template literal whose backtick is at `at`, with nested templates in its expressions. */
function parseTemplate(text: string, at: number, tag: string, tagStart: number): Template {
  const parts: Part[] = [];
  let chunk = "";
  for (let i = at + 1; i < text.length; i++) {
    const char = text[i];
    if (char === "\\") {
      chunk += text.slice(i, i + 2);
      i++;
    } else if (char === "`") {
      parts.push({ text: chunk });
      return { tag, start: tagStart, end: i + 1, parts };
    } else if (char === "$" && text[i + 1] === "{") {
      parts.push({ text: chunk });
      chunk = "";
      const { end, templates } = parseExpression(text, i + 2);
      parts.push({ expression: text.slice(i + 2, end), templates });
      i = end;
    } else chunk += char;
  }
  parts.push({ text: chunk });
  return { tag, start: tagStart, end: text.length, parts };
}

/** An interpolated expression from `at` to its closing brace (returned as `end`), and its templates. */
function parseExpression(text: string, at: number): { end: number; templates: Template[] } {
  const templates: Template[] = [];
  let depth = 0;
  for (let i = at; i < text.length; i++) {
    const char = text[i];
    if (char === '"' || char === "'") i = skipString(text, i) - 1;
    else if (char === "`") {
      const tag = /(\$queryRaw(?:Unsafe)?|\$executeRaw|Prisma\.sql)\s*$/.exec(text.slice(Math.max(at, i - 40), i));
      const template = parseTemplate(text, i, tag?.[1] ?? "", i);
      if (tag) templates.push(template);
      i = template.end - 1;
    } else if (char === "{") depth++;
    else if (char === "}" && depth-- === 0) return { end: i, templates };
  }
  return { end: text.length, templates };
}

/** The SQL templates of a text (raw statements and Prisma.sql fragments), outermost first. */
function sqlTemplates(text: string): Template[] {
  const templates: Template[] = [];
  let from = 0;
  for (;;) {
    sqlTag.lastIndex = from;
    const match = sqlTag.exec(text);
    if (!match) return templates;
    let at = match.index + match[0].length;
    // A type argument: $queryRaw<{ id: string }[]>`...`
    if (text[at] === "<") {
      let depth = 0;
      for (; at < text.length; at++) {
        if (text[at] === "<") depth++;
        else if (text[at] === ">" && text[at - 1] !== "=" && --depth === 0) break;
      }
      at++;
      while (/\s/.test(text[at] ?? "")) at++;
    }
    if (text[at] !== "`") {
      from = at;
      continue;
    }
    const template = parseTemplate(text, at, match[1]!, match.index);
    templates.push(template);
    from = template.end;
  }
}

/** The text between the bracket at or after `from` and its match. */
function balanced(text: string, from: number, open: string, close: string): string {
  const start = text.indexOf(open, from);
  if (start < 0) return "";
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    if (text[i] === open) depth++;
    else if (text[i] === close && --depth === 0) return text.slice(start, i + 1);
  }
  return text.slice(start);
}

type Lookup = (file: string, name: string) => string | undefined;

/**
 * What a name stands for, across the scanned files: a top-level function's source, a
 * `const x = ...` (Prisma.sql fragments, maps of them) and names destructured from a function's
 * result (`const { joins, where } = dailySpendSource(...)`).
 */
function namesOf(sources: { file: string; text: string }[]): { lookup: Lookup; local: Lookup } {
  const functions = new Map<string, string>();
  const constants = new Map<string, Map<string, string>>();
  for (const { file, text } of sources) {
    const names = new Map<string, string>();
    for (const match of text.matchAll(/function\s+([\w$]+)\s*(?:<[^>]*>)?\s*\(/g)) {
      // To the closing brace at the start of a line: the end of a top-level function, whatever
      // braces its return type has.
      const end = text.indexOf("\n}", match.index);
      functions.set(match[1]!, text.slice(match.index, end < 0 ? text.length : end));
    }
    for (const match of text.matchAll(/const\s+([\w$]+)\s*(?::[^=]+)?=\s*/g)) {
      const rest = text.slice(match.index + match[0].length);
      const end = rest.search(/;\n/);
      names.set(match[1]!, end < 0 ? rest : rest.slice(0, end));
    }
    for (const match of text.matchAll(/const\s*\{([^}]*)\}\s*=\s*(?:await\s+)?([\w$]+)\(/g)) {
      for (const name of match[1]!.split(",").map((part) => part.split(":").at(-1)!.trim())) {
        if (name) names.set(name, functions.get(match[2]!) ?? `${match[2]}()`);
      }
    }
    constants.set(file, names);
  }
  return {
    lookup: (file, name) => constants.get(file)?.get(name) ?? functions.get(name),
    local: (file, name) => constants.get(file)?.get(name),
  };
}

/** Each file's table() declarations (lib/db/tables.ts); a fragment from another file reads its own. */
const declarations = new Map<string, ReturnType<typeof tableDeclarations>>();
const tables = (file: string) => {
  if (!declarations.has(file)) declarations.set(file, tableDeclarations(readFileSync(file, "utf8")));
  return declarations.get(file)!;
};
/** The SQL a table name interpolation stands for, in `file` or else in the one file that declares it. */
function tableName(file: string, expression: string): string | undefined {
  const local = tableNameSql(tables(file), expression);
  if (local !== undefined) return local;
  const found = new Set(
    [...declarations.values()].map((d) => tableNameSql(d, expression)).filter((x) => x !== undefined),
  );
  return found.size === 1 ? [...found][0] : undefined;
}

/**
 * A template's SQL with what it interpolates written out: the SQL fragments a name stands for (a
 * few levels deep), and templates written inline in an expression (every branch of a condition).
 */
function expand(template: Template, file: string, lookup: Lookup, depth = 0): string {
  return template.parts
    .map((part) => {
      if ("text" in part) return part.text;
      const name = tableName(file, part.expression);
      if (name !== undefined) return name;
      const inline = part.templates.map((inner) => expand(inner, file, lookup, depth + 1));
      const head = /^\s*([A-Za-z_$][\w$]*)/.exec(part.expression)?.[1];
      const fragment = head === undefined || depth > 4 ? undefined : lookup(file, head);
      const named =
        fragment === undefined ? [] : sqlTemplates(fragment).map((inner) => expand(inner, file, lookup, depth + 1));
      if (inline.length === 0 && named.length === 0) return ` \${${part.expression}} `;
      return ` ${[...inline, ...named].join(" ")} `;
    })
    .join("");
}

/** Problems of one complete SQL statement: team-owned tables read without teamId. */
export function statementProblems(sql: string, distributed: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  const reads = [...sql.matchAll(tableRead)].map((match) => {
    const [, kind, table, alias] = match;
    const after = sql.slice(match.index + match[0].length);
    // A JOIN's ON clause: up to the next JOIN, WHERE, GROUP, ORDER, LIMIT or the end of a subquery.
    const end = kind!.toUpperCase() === "JOIN" ? after.search(/\b(JOIN|WHERE|GROUP|ORDER|LIMIT)\b|\)/i) : 0;
    const on = after.slice(0, end < 0 ? after.length : end);
    return {
      kind: kind!.toUpperCase(),
      table: table!,
      alias,
      on,
      start: match.index,
      end: match.index + match[0].length + on.length,
    };
  });
  // A table read by FROM must be narrowed outside the JOINs' ON clauses (which only pair rows up).
  let outsideJoins = "";
  let at = 0;
  for (const read of reads.filter((r) => r.kind === "JOIN")) {
    outsideJoins += `${sql.slice(at, read.start)} `;
    at = read.end;
  }
  outsideJoins += sql.slice(at);
  for (const { kind, table, alias, on } of reads) {
    if (!distributed.has(table)) continue;
    const name = alias ?? table;
    const column = alias ? new RegExp(`\\b${alias}\\."teamId"`) : new RegExp(`(^|[^.])"teamId"|"${table}"\\."teamId"`);
    if (kind === "JOIN") {
      if (!column.test(on)) problems.push(`joins "${table}" ${name} without ${name}."teamId" in its ON clause`);
    } else if (!column.test(outsideJoins)) {
      problems.push(`reads "${table}" ${name} without a condition on ${name}."teamId"`);
    }
  }
  return problems;
}

/** Whether a model call's arguments name teamId, directly or through the file's constants (`{ where }`). */
function namesTeamId(text: string, local: (name: string) => string | undefined, depth = 0): boolean {
  if (text.includes("teamId")) return true;
  if (depth > 3) return false;
  return [...new Set(text.match(/[A-Za-z_$][\w$]*/g) ?? [])].some((name) => {
    const value = local(name);
    return value !== undefined && namesTeamId(value, local, depth + 1);
  });
}

/** Every raw SQL statement and Prisma model call in the files, checked as statementProblems says. */
export function queryProblems(files: string[], distributed: ReadonlySet<string>): QueryProblem[] {
  const sources = files.map((file) => ({ file, text: readFileSync(file, "utf8") }));
  for (const { file } of sources) tables(file);
  const { lookup, local } = namesOf(sources);
  const problems: QueryProblem[] = [];
  for (const { file, text } of sources) {
    for (const template of sqlTemplates(text)) {
      // Fragments (Prisma.sql) are checked as part of the statements that interpolate them.
      if (template.tag === "Prisma.sql") continue;
      // A name destructured from a function stands for all of its fragments: report each problem once.
      for (const problem of new Set(statementProblems(expand(template, file, lookup), distributed))) {
        problems.push({ file, line: lineOf(text, template.start), problem });
      }
    }
    for (const match of text.matchAll(modelCall)) {
      const args = balanced(text, match.index + match[0].length - 1, "(", ")");
      const model = match[1]!;
      const table = model[0]!.toUpperCase() + model.slice(1);
      if (distributed.has(table) && !namesTeamId(args, (name) => local(file, name))) {
        problems.push({ file, line: lineOf(text, match.index), problem: `${model}.${match[2]} without teamId` });
      }
    }
  }
  return problems;
}

/** How many raw SQL statements the files hold (so a scan that finds none fails). */
export function statementCount(files: string[]): number {
  return files.flatMap((file) => sqlTemplates(readFileSync(file, "utf8"))).filter((t) => t.tag !== "Prisma.sql").length;
}
