/**
 * Table and column names for raw SQL, typed from schema.prisma through the generated client: the
 * table names are Prisma's `ModelName`s, a table's columns its model's scalar fields (the
 * `<Model>ScalarFieldEnum` Prisma generates). Every statement names tables and columns through
 * these, never as literal text, so renaming or removing a field in schema.prisma fails the type
 * check at each query that uses it (lib/db/sql-names.test.ts checks that no literal is left).
 *
 *     const c = table("Call", "c");
 *     Prisma.sql`SELECT sum(${c.costUsd}) FROM ${c.$} WHERE ${c.teamId} = ${teamId}::uuid`
 *     // SELECT sum(c."costUsd") FROM "Call" AS c WHERE c."teamId" = $1::uuid
 *
 * Without an alias the columns are bare (`"costUsd"`), as an INSERT's column list, an UPDATE's SET
 * or an ON CONFLICT target needs them. The statements stay plain parameterized SQL: this names
 * things, it builds nothing. Result columns computed by a query keep plain aliases; their rows are
 * typed where they are read (lib/db/columns.ts `recordColumns(...).read`).
 */
import { Prisma } from "@/lib/generated/prisma/client";

/** A table of schema.prisma (no model maps its name or a field's with @map / @@map). */
export type TableName = Prisma.ModelName;
/** A column of `T`: a scalar field of its model. */
export type ColumnName<T extends TableName> = keyof (typeof Prisma)[`${T}ScalarFieldEnum`] & string;

export type SqlTable<T extends TableName> = { readonly [K in ColumnName<T>]: Prisma.Sql } & {
  /** The table where a statement names it: `"Call" AS c` (FROM, JOIN, INSERT INTO, UPDATE, DELETE), or `"Call"`. */
  readonly $: Prisma.Sql;
  /** `c."a", c."b"` (or `"a", "b"` without an alias): a column list, in the order given. */
  $list(...columns: ColumnName<T>[]): Prisma.Sql;
};

const quote = (name: string) => `"${name}"`;
const aliasPattern = /^[a-z_][a-z0-9_]*$/;

/** The names of table `name`, its columns qualified by `alias` when one is given. */
export function table<T extends TableName>(name: T, alias?: string): SqlTable<T> {
  if (alias !== undefined && !aliasPattern.test(alias)) throw new Error(`table alias "${alias}" is not a plain name`);
  const fields = Object.keys((Prisma as unknown as Record<string, object>)[`${name}ScalarFieldEnum`]!);
  const column = (field: string) => (alias === undefined ? quote(field) : `${alias}.${quote(field)}`);
  const names: Record<string, unknown> = Object.fromEntries(fields.map((field) => [field, Prisma.raw(column(field))]));
  names.$ = Prisma.raw(alias === undefined ? quote(name) : `${quote(name)} AS ${alias}`);
  names.$list = (...columns: string[]) => Prisma.raw(columns.map(column).join(", "));
  return names as SqlTable<T>;
}
