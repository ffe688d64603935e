/**
 * Raw SQL names tables and columns through lib/db/tables.ts, typed from schema.prisma, so a schema
 * rename that breaks a query fails the type check: no SQL template of lib/ or app/ (tests and their
 * helpers too) spells a table or a column of the schema as literal text (lib/testing/sql-source.ts
 * says what counts).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { literalNames, schemaTables, sourceFiles, sqlTemplates, treeAliases } from "@/lib/testing/sql-source";

const tables = schemaTables(readFileSync("prisma/schema.prisma", "utf8"));
const spelled = (text: string) => literalNames(text, tables).map((name) => name.text);

describe("typed table and column names in SQL", () => {
  it("catches what it is meant to catch", () => {
    expect(spelled(`Prisma.sql\`SELECT c."costUsd", c.model FROM "Call" c WHERE c."teamId" = \${teamId}\``)).toEqual([
      'c."costUsd"',
      "c.model",
      '"Call" c',
      'c."teamId"',
    ]);
    expect(spelled(`Prisma.sql\`UPDATE "Run" SET outcome = NULL, "endedAt" = now() WHERE id = \${id}\``)).toEqual([
      '"Run"',
      "outcome",
      '"endedAt"',
      "id",
    ]);
    expect(
      spelled(
        `Prisma.sql\`INSERT INTO "Finding" AS f ("teamId") VALUES (\${t}) ON CONFLICT ("teamId") DO UPDATE SET "teamId" = excluded."teamId"\``,
      ),
    ).toEqual(['"Finding" AS f', '"teamId"', '"teamId"', '"teamId"', 'excluded."teamId"']);
    // A fragment whose statement is in another file: its alias is the tree's.
    const fragment = `Prisma.sql\`AND r.outcome IS NULL AND t.key = 'x'\``;
    expect(literalNames(fragment, tables, new Map([["r", "Run"]])).map((name) => name.text)).toEqual(["r.outcome"]);
    // Names through table(): nothing spelled.
    const typed = [
      'const c = table("Call", "c");',
      `Prisma.sql\`SELECT sum(\${c.costUsd}) AS "costUsd", s.day FROM \${c.$}`,
      "  JOIN (SELECT 1 AS day) s ON true",
      `  CROSS JOIN unnest(\${ids}::uuid[]) WITH ORDINALITY AS u(id, position) WHERE \${c.teamId} = \${t}\``,
    ].join("\n");
    expect(spelled(typed)).toEqual([]);
  });

  it("finds no table or column of schema.prisma spelled as text in the SQL of lib/ and app/, tests included", () => {
    const files = sourceFiles(["lib", "app", "components"], { tests: true });
    expect(files.flatMap((file) => sqlTemplates(readFileSync(file, "utf8"))).length).toBeGreaterThan(100);
    // A fragment may be written apart from the statement that names its tables: its aliases are the tree's.
    const shared = treeAliases(files);
    const literal = files.flatMap((file) =>
      literalNames(readFileSync(file, "utf8"), tables, shared).map((name) => `${file}:${name.line} ${name.text}`),
    );
    expect(literal).toEqual([]);
  });
});
