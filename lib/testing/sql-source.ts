/**
 * The raw SQL of the source tree, read as text for the checks over it: tenancy
 * (lib/db/team-filter.test.ts), Citus-readiness (citus-readiness.ts) and typed names
 * (lib/db/sql-names.test.ts). Statements name tables and columns through lib/db/tables.ts
 * (`const c = table("Call", "c")`, then `${c.$}`, `${c.costUsd}`); `expandTableNames` writes those
 * back as the SQL they stand for, so the other checks read the statements as Postgres will.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

/** The .ts/.tsx files under `roots`, without the generated client, and without tests and test helpers unless asked. */
export function sourceFiles(roots: string[], options: { tests?: boolean } = {}): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) {
        if (name !== "generated" && (options.tests || name !== "testing")) walk(path);
      } else if (/\.tsx?$/.test(name) && (options.tests || !/\.test\.tsx?$/.test(name))) files.push(path);
    }
  };
  for (const root of roots) walk(root);
  return files;
}

export const lineOf = (text: string, index: number) => text.slice(0, index).split("\n").length;

export interface SqlTemplate {
  /** The text between the backticks, interpolations kept as `${...}` text. */
  sql: string;
  line: number;
  start: number;
  end: number;
  /** [start, end) of the literal text between interpolations. */
  segments: [number, number][];
  /** The template whose interpolation this one is written in. */
  parent?: SqlTemplate;
}

/** The SQL template literals of a file (Prisma.sql, $queryRaw, $executeRaw), nested ones too. */
export function sqlTemplates(text: string): SqlTemplate[] {
  const found: SqlTemplate[] = [];
  for (const match of text.matchAll(/(?:Prisma\.sql|\$queryRaw(?:<[^`]*?>)?|\$executeRaw)\s*`/g)) {
    const start = match.index + match[0].length;
    const segments: [number, number][] = [];
    let segment = start;
    let depth = 0;
    let i = start;
    for (; i < text.length; i++) {
      const c = text[i];
      if (c === "\\") i++;
      else if (depth === 0 && c === "`") break;
      else if (c === "$" && text[i + 1] === "{") {
        if (depth === 0) segments.push([segment, i]);
        depth++;
        i++;
      } else if (depth > 0 && c === "{") depth++;
      else if (depth > 0 && c === "}" && --depth === 0) segment = i + 1;
    }
    segments.push([segment, i]);
    found.push({ sql: text.slice(start, i), line: lineOf(text, match.index), start, end: i, segments });
  }
  for (const template of found) {
    const outer = found.filter((o) => o !== template && o.start < template.start && template.end <= o.end);
    template.parent = outer.sort((a, b) => b.start - a.start)[0];
  }
  return found;
}

export interface TableDeclaration {
  model: string;
  alias?: string;
}

/** The file's `const x = table("Model", "alias")` declarations, by variable. */
export function tableDeclarations(text: string): Map<string, TableDeclaration> {
  const declarations = new Map<string, TableDeclaration>();
  for (const m of text.matchAll(/\bconst\s+([\w$]+)\s*=\s*table\(\s*"(\w+)"\s*(?:,\s*"(\w+)"\s*)?\)/g)) {
    declarations.set(m[1]!, { model: m[2]!, ...(m[3] ? { alias: m[3] } : {}) });
  }
  return declarations;
}

/** The SQL a `${x.$}` / `${x.column}` interpolation stands for, when `x` is a declared table. */
export function tableNameSql(declarations: Map<string, TableDeclaration>, expression: string): string | undefined {
  const m = /^\s*([\w$]+)\.([\w$]+)\s*$/.exec(expression);
  const table = m && declarations.get(m[1]!);
  if (!m || !table) return undefined;
  if (m[2] === "$") return table.alias ? `"${table.model}" AS ${table.alias}` : `"${table.model}"`;
  return table.alias ? `${table.alias}."${m[2]}"` : `"${m[2]}"`;
}

/** A template's text with its table and column names written out as SQL. */
export function expandTableNames(sql: string, declarations: Map<string, TableDeclaration>): string {
  return sql.replace(/\$\{([\w$]+\.[\w$]+)\}/g, (whole, expression: string) => {
    return tableNameSql(declarations, expression) ?? whole;
  });
}

/** Tables of schema.prisma and their columns (scalar and enum fields). */
export function schemaTables(schema: string): Map<string, Set<string>> {
  const scalars = new Set(["String", "Int", "BigInt", "Decimal", "Boolean", "DateTime", "Json", "Float", "Bytes"]);
  const enums = new Set([...schema.matchAll(/^enum (\w+)/gm)].map((m) => m[1]!));
  const tables = new Map<string, Set<string>>();
  for (const m of schema.matchAll(/^model (\w+) \{([\s\S]*?)^\}/gm)) {
    const fields = [...m[2]!.matchAll(/^\s+(\w+)\s+(\w+)/gm)].filter((f) => scalars.has(f[2]!) || enums.has(f[2]!));
    tables.set(m[1]!, new Set(fields.map((f) => f[1]!)));
  }
  return tables;
}

const keywords = new Set(
  `WHERE ON USING JOIN LEFT RIGHT INNER OUTER FULL CROSS NATURAL LATERAL GROUP ORDER BY LIMIT OFFSET SET AS WHEN
  THEN ELSE END CASE AND OR NOT IN IS NULL EXISTS ANY ALL SOME SELECT DISTINCT VALUES DEFAULT RETURNING FROM UNION
  EXCEPT INTERSECT HAVING WINDOW FOR DO NOTHING UPDATE INSERT INTO DELETE CONFLICT FILTER OVER PARTITION ROWS RANGE
  BETWEEN LIKE ILIKE ASC DESC NULLS FIRST LAST WITH ORDINALITY TRUE FALSE INTERVAL COLLATE ESCAPE SIMILAR TO`.split(
    /\s+/,
  ),
);

/** A table or column of the schema spelled as literal text in a SQL template. */
export interface LiteralName {
  start: number;
  end: number;
  line: number;
  text: string;
  /** The table it names, or whose column it names. */
  model: string;
  /** The alias a column is qualified by (`c` of `c."costUsd"`, `excluded`), or a table's alias. */
  alias?: string;
  /** Absent for a table. */
  column?: string;
}

/**
 * Every table and column name of the schema that a file's SQL templates spell as text: a quoted
 * table name (`"Call"`, `"Call" c`), a column qualified by a table's alias (`c."costUsd"`,
 * `c.model`, `excluded.model`, `"Call".model`), and an unqualified column (`"costUsd"`, `model`)
 * of a table the statement names. Not names: what a statement defines itself (a result column
 * after AS, a CTE, a subquery's or a function's alias and column list) and the columns of those.
 */
export function literalNames(
  text: string,
  tables: Map<string, Set<string>>,
  /** Aliases of tables across the tree (treeAliases), for fragments whose statement is in another file. */
  shared: ReadonlyMap<string, string> = new Map(),
): LiteralName[] {
  const templates = sqlTemplates(text);
  const declarations = tableDeclarations(text);
  const top = (t: SqlTemplate) => {
    let x = t;
    while (x.parent) x = x.parent;
    return x;
  };
  const literal = (t: SqlTemplate) =>
    t.segments.map(([a, b], i) => (i === 0 ? "" : ` ${interpolation(t, i)} `) + text.slice(a, b)).join("");
  const interpolation = (t: SqlTemplate, i: number) => {
    const expression = text.slice(t.segments[i - 1]![1] + 2, t.segments[i]![0] - 1);
    return tableNameSql(declarations, expression) ?? "?";
  };
  // Aliases of tables across the file, for fragments written apart from their statement.
  const fileAliases = new Map<string, string | null>();
  const note = (alias: string, model: string) =>
    fileAliases.set(alias, fileAliases.has(alias) && fileAliases.get(alias) !== model ? null : model);
  for (const { model, alias } of declarations.values()) if (alias) note(alias, model);
  const declaredAliases = new Set(fileAliases.keys());
  for (const [alias, model] of shared) if (!fileAliases.has(alias)) fileAliases.set(alias, model);
  for (const m of text.matchAll(/"([a-z_]\w*)\([a-z_]\w* [a-z]/g)) fileAliases.set(m[1]!, null);
  // Record sets the file builds (`shape.from(rows, "t")`, `bulk.stage(shape, rows, "t")`, `jsonRows(rows, "t(...)")`).
  for (const m of text.matchAll(/\b(?:from|stage|jsonRows)\([^()]*?,\s*"([a-z_]\w*)/g)) fileAliases.set(m[1]!, null);

  const statements = new Map<SqlTemplate, ReturnType<typeof statementOf>>();
  const statementOf = (t: SqlTemplate) => {
    const sql = templates
      .filter((x) => top(x) === t)
      .map(literal)
      .join("\n;\n")
      .replace(/'(?:[^']|'')*'/g, "''");
    const refs: { model: string; alias?: string }[] = [];
    for (const m of sql.matchAll(/"([A-Z]\w*)"(?!\.)(?:\s+(?:AS\s+)?([a-z_]\w*)\b)?/gi)) {
      if (!tables.has(m[1]!)) continue;
      const alias = m[2] && !keywords.has(m[2].toUpperCase()) ? m[2] : undefined;
      refs.push({ model: m[1]!, ...(alias ? { alias } : {}) });
    }
    const aliases = new Map<string, string | null>(refs.flatMap((r) => (r.alias ? [[r.alias, r.model]] : [])));
    // Relations the statement defines: a CTE or an interpolated FROM item read under an alias, a
    // subquery's or a set-returning function's alias (not a result column's: `sum(x) AS calls`).
    for (const m of sql.matchAll(/\b(?:FROM|JOIN)\s+(?:[a-z_]\w*|\?)\s+(?:AS\s+)?([a-z_]\w*)/gi)) {
      if (!keywords.has(m[1]!.toUpperCase()) && !aliases.has(m[1]!)) aliases.set(m[1]!, null);
    }
    for (const m of sql.matchAll(/\)\s*(?:AS\s+)?([a-z_]\w*)/gi)) {
      if (keywords.has(m[1]!.toUpperCase()) || aliases.has(m[1]!)) continue;
      let depth = 0;
      let open = m.index;
      for (; open >= 0; open--) {
        if (sql[open] === ")") depth++;
        else if (sql[open] === "(" && --depth === 0) break;
      }
      const inside = sql.slice(open + 1, open + 12);
      const before = sql.slice(Math.max(0, open - 60), open);
      if (/^\s*(?:SELECT|VALUES|WITH)\b/i.test(inside) || /\b(?:FROM|JOIN|LATERAL)\s+(?:[\w.]+\s*)?$/i.test(before))
        aliases.set(m[1]!, null);
    }
    const target = /(?:INSERT\s+INTO|UPDATE)\s+"([A-Z]\w*)"/i.exec(sql)?.[1];
    for (const r of refs) if (r.model === target) aliases.set("excluded", target);
    // Result columns it names (`... AS "costUsd"`): ORDER BY reads those before any table's column.
    const outputs = new Set([...sql.matchAll(/\bAS\s+"?([a-z_]\w*)"?/gi)].map((m) => m[1]!));
    return { refs, aliases, target, outputs };
  };
  // A relation another statement of the file defines (a subquery `m`) is not the tree's table of that alias.
  for (const t of templates.filter((x) => !x.parent)) {
    statements.set(t, statementOf(t));
    for (const [alias, model] of statements.get(t)!.aliases)
      if (model === null && !declaredAliases.has(alias)) fileAliases.set(alias, null);
  }
  const found: LiteralName[] = [];
  for (const t of templates) {
    const root = top(t);
    if (!statements.has(root)) statements.set(root, statementOf(root));
    const { refs, aliases, target, outputs } = statements.get(root)!;
    // In a query's own ORDER BY (not a window's or an aggregate's, which read the input columns).
    const inOrderBy = (at: number) => {
      const head = text.slice(root.start, at);
      const order = [...head.matchAll(/\bORDER\s+BY\b/gi)].at(-1);
      if (!order) return false;
      const after = head.slice(order.index);
      if (/\b(?:SELECT|FROM|WHERE|GROUP\s+BY|HAVING|LIMIT)\b/i.test(after)) return false;
      const depth = (part: string) => (part.match(/\(/g)?.length ?? 0) - (part.match(/\)/g)?.length ?? 0);
      if (depth(after) < 0) return false;
      const select = [...head.slice(0, order.index).matchAll(/\bSELECT\b/gi)].at(-1);
      return depth(head.slice(select?.index ?? 0, order.index)) <= 0;
    };
    const modelOf = (alias: string) => (aliases.has(alias) ? aliases.get(alias) : fileAliases.get(alias)) ?? undefined;
    const owner = (column: string) => {
      const candidates = [...new Set(refs.map((r) => r.model))].filter((m) => tables.get(m)!.has(column));
      return target && candidates.includes(target) ? target : candidates[0];
    };
    for (const [a, b] of t.segments) {
      const segment = text.slice(a, b);
      // Column lists a statement declares: `AS t(id, position)`, `unnest(...) u(id)`.
      const declared: [number, number][] = [];
      for (const m of segment.matchAll(/(?:\bAS\s+|\)\s*)([a-z_]\w*)\s*\(([^()]*)\)/gi)) {
        if (!keywords.has(m[1]!.toUpperCase()) && !aliases.get(m[1]!))
          declared.push([a + m.index + m[0].length - m[2]!.length - 1, a + m.index + m[0].length]);
      }
      const isDeclared = (at: number) => declared.some(([x, y]) => x <= at && at < y);
      const pattern =
        /('(?:[^']|'')*')|(--[^\n]*)|"([A-Z]\w*)"\.(?:"(\w+)"|(\w+)\b)|"([A-Z]\w*)"(?:(\s+(?:AS\s+|as\s+)?)([a-z_]\w*)\b)?|(?<![\w."$:])([a-zA-Z_]\w*)\.(?:"(\w+)"|([a-z_]\w*)\b)|(?<![\w."])"(\w+)"|(?<![\w."$:])([a-z_]\w*)\b(?!\s*\(|\.|")/g;
      for (const m of segment.matchAll(pattern)) {
        const start = a + m.index;
        const before = text.slice(Math.max(a, start - 12), start);
        const add = (name: Omit<LiteralName, "start" | "end" | "line" | "text">, end = start + m[0].length) =>
          found.push({ start, end, line: lineOf(text, start), text: text.slice(start, end), ...name });
        if (m[1] || m[2]) continue;
        if (m[3]) {
          const column = m[4] ?? m[5]!;
          if (tables.has(m[3])) add({ model: m[3], alias: m[3], column });
        } else if (m[6]) {
          if (!tables.has(m[6])) continue;
          const alias = m[8] && !keywords.has(m[8].toUpperCase()) ? m[8] : undefined;
          if (alias) add({ model: m[6], alias });
          else add({ model: m[6] }, start + m[6].length + 2);
        } else if (m[9]) {
          const model = modelOf(m[9].toLowerCase() === "excluded" ? "excluded" : m[9]);
          const column = m[10] ?? m[11]!;
          if (model && tables.get(model)!.has(column)) add({ model, alias: m[9], column });
        } else {
          const column = m[12] ?? m[13]!;
          if (isDeclared(start) || /(?:\bAS\s+|::\s*)$/i.test(before)) continue;
          if (outputs.has(column) && inOrderBy(start)) continue;
          if (m[13]) {
            if (keywords.has(column.toUpperCase()) || aliases.has(column)) continue;
            if (
              /(?:\)|\b(?:FROM|JOIN|WITH))\s*$/i.test(before) ||
              /^\s+AS\s*\(/i.test(text.slice(start + column.length, b))
            )
              continue;
          }
          const model = owner(column);
          if (model) add({ model, column });
        }
      }
    }
  }
  return found;
}

/** Aliases every table() declaration of `files` that names one table gives it (`r`: Run). */
export function treeAliases(files: string[]): Map<string, string> {
  const seen = new Map<string, string | null>();
  for (const file of files)
    for (const { model, alias } of tableDeclarations(readFileSync(file, "utf8")).values())
      if (alias && alias !== "excluded" && alias !== "stored")
        seen.set(alias, seen.has(alias) && seen.get(alias) !== model ? null : model);
  return new Map([...seen].flatMap(([alias, model]) => (model ? [[alias, model] as [string, string]] : [])));
}

/** Reads a file for the checks. */
export const readSource = (file: string) => readFileSync(file, "utf8");
