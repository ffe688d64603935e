/**
 * `npm run -s sql:names -- <file.ts>...`: rewrites the table and column names a file's SQL
 * templates spell as text into lib/db/tables.ts names (`"Call" c` -> `${c.$}`, `c."costUsd"` ->
 * `${c.costUsd}`), declaring the `table()` constants it needs after the imports. The SQL it
 * produces is the same text Postgres ran before. What it rewrites is what lib/db/sql-names.test.ts
 * reports (lib/testing/sql-source.ts literalNames); a name qualified by its table (`"Call".model`,
 * in an ON CONFLICT update) it leaves, to be given an alias by hand. Run `npm run format` after.
 */
import { readFileSync, writeFileSync } from "node:fs";
import {
  literalNames,
  schemaTables,
  sourceFiles,
  sqlTemplates,
  tableDeclarations,
  treeAliases,
} from "@/lib/testing/sql-source";

const tables = schemaTables(readFileSync("prisma/schema.prisma", "utf8"));
const shared = treeAliases(sourceFiles(["lib", "app", "components"], { tests: true }));
const lowerFirst = (name: string) => name[0]!.toLowerCase() + name.slice(1);

for (const file of process.argv.slice(2)) {
  let text = readFileSync(file, "utf8");
  const names = literalNames(text, tables, shared);
  // Constants the file has: reused; new ones named by alias, or Model for a bare table.
  const variables = new Map<string, string>();
  for (const [name, { model, alias }] of tableDeclarations(text)) variables.set(`${model}|${alias ?? ""}`, name);
  let outside = text;
  for (const t of sqlTemplates(text)
    .filter((t) => !t.parent)
    .reverse())
    outside = outside.slice(0, t.start) + " ".repeat(t.end - t.start) + outside.slice(t.end);
  const taken = (name: string) => new RegExp(`(?<![\\w.$])${name}(?![\\w$])`).test(outside);
  const modelsOf = new Map<string, Set<string>>();
  for (const n of names) if (n.alias) modelsOf.set(n.alias, (modelsOf.get(n.alias) ?? new Set()).add(n.model));
  const added: string[] = [];
  const variable = (model: string, alias?: string) => {
    const key = `${model}|${alias ?? ""}`;
    if (!variables.has(key)) {
      const name = !alias
        ? taken(model)
          ? `${model}Table`
          : model
        : alias === "excluded"
          ? `${lowerFirst(model)}Excluded`
          : modelsOf.get(alias)!.size === 1 && !taken(alias)
            ? alias
            : `${alias}${model}`;
      variables.set(key, name);
      added.push(`const ${name} = table("${model}"${alias ? `, "${alias}"` : ""});`);
    }
    return variables.get(key)!;
  };
  const edits: [number, number, string][] = [];
  for (const n of names) {
    if (n.alias === n.model) {
      console.log(`${file}:${n.line} qualified by its table, give it an alias: ${n.text}`);
      continue;
    }
    edits.push([n.start, n.end, `\${${variable(n.model, n.alias?.toLowerCase())}.${n.column ?? "$"}}`]);
  }
  if (edits.length === 0) continue;
  for (const [start, end, name] of edits.sort((a, b) => b[0] - a[0]))
    text = text.slice(0, start) + name + text.slice(end);
  text = text.replace(/Prisma\.sql`\$\{(\w+\.\w+)\}`/g, "$1");
  if (added.length > 0) {
    const last = [...text.matchAll(/^import [\s\S]*?from "[^"]+";\n/gm)].at(-1);
    const at = last ? last.index + last[0].length : 0;
    const from = file.startsWith("lib/db/") ? "./tables" : "@/lib/db/tables";
    const importLine = /from "(@\/lib\/db\/tables|\.\/tables)"/.test(text) ? "" : `import { table } from "${from}";\n`;
    text = `${text.slice(0, at)}${importLine}\n${added.sort().join("\n")}\n${text.slice(at)}`;
  }
  writeFileSync(file, text);
  console.log(`${file}: ${edits.length} names`);
}
