/**
 * Tenancy, checked over the source: every read or write of a team-owned table (a model with a
 * `teamId`, from prisma/schema.prisma) names the team, so a query cannot forget it.
 * - Raw SQL (Prisma.sql, $queryRaw, $executeRaw): each team-owned table it names binds its
 *   `"teamId"` to a parameter (`r."teamId" = ${scope.teamId}::uuid`), to a team-bound table of the
 *   same statement (`o."teamId" = r."teamId"`), to an enclosing query's alias (a correlated
 *   subquery, checked where that query is written), or is the Run `r` under the policy's
 *   visibleRunsCondition / decidableRunsCondition (lib/auth/policy.ts).
 * - Prisma model calls: made through teamDb(scope) (lib/db/team-db.ts adds the team), or with
 *   `teamId` in their arguments (directly, or in the `where` variable they pass).
 * The few lookups that are not one team's by nature are listed below with the reason.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { expandTableNames, lineOf, sourceFiles, sqlTemplates, tableDeclarations } from "@/lib/testing/sql-source";

const schema = readFileSync("prisma/schema.prisma", "utf8");
const teamTables = new Set(
  [...schema.matchAll(/^model (\w+) \{([\s\S]*?)^\}/gm)].filter((m) => /^\s+teamId\s/m.test(m[2]!)).map((m) => m[1]!),
);

/** Lookups across teams on purpose: "file: model.operation", or "file: Table alias" for raw SQL. */
const acrossTeams = new Map([
  ["lib/auth/scope.ts: membership.findMany", "a signed-in user's teams, to choose one"],
  ["lib/auth/scope.ts: ApiKey k", "an API key is what names the team"],
  ["lib/admin/members.ts: invitation.findMany", "a user's invitations from every team"],
  ["lib/admin/members.ts: invitation.findFirst", "the user's own invitation, from any team"],
  ["lib/admin/members.ts: invitation.delete", "the invitation found above, by its id"],
]);

const roots = ["lib", "app", "components"];

const sqlWords = new Set(["WHERE", "ON", "USING", "JOIN", "LEFT", "INNER", "GROUP", "ORDER", "LIMIT", "SET", "AS"]);
const boundValue = String.raw`(?:\$\{|ANY\s*\(\s*\$\{|\(\s*SELECT\b)`;

/** The team-owned tables of one SQL template that nothing ties to a team. */
function unscopedTables(sql: string): string[] {
  const refs = [...sql.matchAll(/\b(?:FROM|JOIN)\s+"(\w+)"(?:\s+(?:AS\s+)?([a-z_]\w*))?/gi)]
    .filter((m) => teamTables.has(m[1]!))
    .map((m) => ({ table: m[1]!, alias: m[2] && !sqlWords.has(m[2].toUpperCase()) ? m[2] : undefined }));
  const column = (ref: { alias?: string }) =>
    ref.alias ? String.raw`\b${ref.alias}\."teamId"` : String.raw`(?<![\w."])"teamId"`;
  const defined = new Set(refs.flatMap((ref) => (ref.alias ? [ref.alias] : [])));
  const bound = new Set<(typeof refs)[number]>();
  for (const ref of refs) {
    const col = column(ref);
    const toParameter =
      new RegExp(String.raw`${col}\s*(?:=|IN)\s*${boundValue}`, "i").test(sql) ||
      new RegExp(String.raw`\$\{[^}]*\}(?:::uuid)?\s*=\s*${col}`, "i").test(sql);
    const byPolicy = ref.alias === "r" && /\$\{(visibleRunsCondition|decidableRunsCondition)\(/.test(sql);
    const correlated = [
      ...sql.matchAll(new RegExp(String.raw`${col}\s*=\s*(\w+)\."teamId"|\b(\w+)\."teamId"\s*=\s*${col}`, "gi")),
    ].some((m) => {
      const other = m[1] ?? m[2];
      return other !== undefined && other !== ref.alias && !defined.has(other);
    });
    if (toParameter || byPolicy || correlated) bound.add(ref);
  }
  for (let grew = true; grew; ) {
    grew = false;
    for (const ref of refs) {
      if (bound.has(ref)) continue;
      const a = column(ref);
      const joined = [...bound].some((other) => {
        const b = column(other);
        return new RegExp(String.raw`${a}\s*=\s*${b}|${b}\s*=\s*${a}`, "i").test(sql);
      });
      if (joined) {
        bound.add(ref);
        grew = true;
      }
    }
  }
  return refs.filter((ref) => !bound.has(ref)).map((ref) => `${ref.table}${ref.alias ? ` ${ref.alias}` : ""}`);
}

const modelNames = [...teamTables].map((table) => table[0]!.toLowerCase() + table.slice(1));

/** Prisma calls on team-owned models that neither go through teamDb nor name the team. */
function unscopedModelCalls(text: string): { call: string; line: number }[] {
  const found: { call: string; line: number }[] = [];
  const call = new RegExp(
    String.raw`\b(db\(\)|teamDb\(\w*\)|tx|tdb|t|database)\s*\.\s*(${modelNames.join("|")})\s*\.\s*(\w+)\s*\(`,
    "g",
  );
  for (const match of text.matchAll(call)) {
    let i = match.index + match[0].length;
    for (let depth = 1; i < text.length && depth > 0; i++) {
      if (text[i] === "(") depth++;
      else if (text[i] === ")") depth--;
    }
    const args = text.slice(match.index + match[0].length, i - 1);
    const receiver = match[1]!;
    if (/^teamDb\(|^(tdb|t)$/.test(receiver) && /(?:const|let)\s+(tdb|t)\s*=\s*teamDb\(/.test(text)) continue;
    if (receiver.startsWith("teamDb(")) continue;
    if (/\bteamId\b/.test(args)) continue;
    // A `where` passed by name: its initializer names the team.
    const names = [...args.matchAll(/\bwhere\s*:\s*(\w+)|\b(where)\s*[,}]/g)].map((m) => m[1] ?? m[2]!);
    const initialized = (name: string) =>
      new RegExp(String.raw`(?:const|let)\s+${name}\s*(?::[^=]+)?=\s*[^;]*\bteamId\b`).test(text);
    if (names.length > 0 && names.every(initialized)) continue;
    found.push({ call: `${match[2]}.${match[3]}`, line: lineOf(text, match.index) });
  }
  return found;
}

describe("tenancy in the source", () => {
  it("catches what it is meant to catch", () => {
    expect(unscopedTables(`SELECT * FROM "Run" r WHERE r.id = \${id}`)).toEqual(["Run r"]);
    expect(
      unscopedTables(`FROM "Run" r JOIN "Person" o ON o."teamId" = r."teamId" WHERE r.id = \${id}`).sort(),
    ).toEqual(["Person o", "Run r"]);
    expect(
      unscopedTables(
        `FROM "Run" r JOIN "Person" o ON o."teamId" = r."teamId" WHERE r."teamId" = \${scope.teamId}::uuid`,
      ),
    ).toEqual([]);
    expect(unscopedTables(`SELECT 1 FROM "Finding" WHERE "teamId" = \${teamId}::uuid`)).toEqual([]);
    expect(unscopedTables(`NOT EXISTS (SELECT 1 FROM "RunOwnerShare" s WHERE s."teamId" = r."teamId")`)).toEqual([]);
    expect(unscopedTables(`SELECT 1 FROM "User" u WHERE u.id = \${id}`)).toEqual([]);
    expect(unscopedModelCalls(`db().run.findMany({ where: { id } })`)).toEqual([{ call: "run.findMany", line: 1 }]);
    expect(unscopedModelCalls(`db().run.findMany({ where: { teamId: scope.teamId, id } })`)).toEqual([]);
    expect(unscopedModelCalls(`teamDb(scope).run.findMany({ where: { id } })`)).toEqual([]);
    expect(unscopedModelCalls(`const where = { teamId };\ntx.job.update({ where, data })`)).toEqual([]);
    expect(unscopedModelCalls(`const where = { id };\ntx.job.update({ where, data })`)).toHaveLength(1);
  });

  it("finds every team-owned table in SQL tied to a team", () => {
    const unscoped = sourceFiles(roots).flatMap((file) => {
      const text = readFileSync(file, "utf8");
      // Table and column names as the SQL they stand for (lib/db/tables.ts).
      const declarations = tableDeclarations(text);
      return sqlTemplates(text).flatMap(({ sql, line }) =>
        unscopedTables(expandTableNames(sql, declarations))
          .filter((table) => !acrossTeams.has(`${file}: ${table}`))
          .map((table) => `${file}:${line} ${table}`),
      );
    });
    expect(unscoped).toEqual([]);
  });

  it("finds every Prisma call on a team-owned model scoped to a team", () => {
    const unscoped = sourceFiles(roots).flatMap((file) =>
      unscopedModelCalls(readFileSync(file, "utf8"))
        .filter(({ call }) => !acrossTeams.has(`${file}: ${call}`))
        .map(({ call, line }) => `${file}:${line} ${call}`),
    );
    expect(unscoped).toEqual([]);
  });
});
