/**
 * Typed column definitions for the raw SQL of the write path. One definition per table (keyed by
 * the Prisma model's field names, so renaming or removing a field in schema.prisma fails the type
 * check here) gives at once:
 * - the row type the code builds (`RowOf<typeof def>`),
 * - the column list of an INSERT (`def.names()`),
 * - the record set those rows arrive as (`def.from(rows, "t")`: one JSON parameter expanded by
 *   json_to_recordset; sending a column array per field made Prisma and pg serialize every element
 *   in JavaScript, a third of `trh import`'s time),
 * - a typed SELECT / RETURNING list and its result (`def.select("c")`, `def.read(tx, sql)`).
 * The same shape, in the same order, is what `t.*` expands to: no column list is written twice.
 * Table and column names written in the statements themselves come from lib/db/tables.ts.
 *
 * Why not Prisma TypedSQL: it needs a live database at generate time (`prisma generate --sql`
 * connects to introspect each .sql file), which the offline wasm schema engine set-up here cannot
 * give, and its statements cannot take a variable-length record set or a dynamic WHERE.
 *
 * JavaScript types per Postgres type: uuid, text, bigint, numeric and date travel as strings
 * (exact: no float rounding of money or of bigint ids), int and float8 (a figure shown, cast on the
 * way out) as number, boolean as boolean,
 * timestamptz as Date. A type ending in "?" is nullable, allowed only where the model's field is.
 */
import { Prisma } from "@/lib/generated/prisma/client";

type BaseType = "uuid" | "text" | "int" | "float8" | "bigint" | "numeric" | "boolean" | "timestamptz" | "date";
export type ColumnType = BaseType | `${BaseType}?`;

type JsOf<T extends BaseType> = T extends "int" | "float8"
  ? number
  : T extends "boolean"
    ? boolean
    : T extends "timestamptz"
      ? Date
      : string;
type ValueOf<T extends ColumnType> = T extends `${infer B extends BaseType}?`
  ? JsOf<B> | null
  : T extends BaseType
    ? JsOf<T>
    : never;

export type Columns = Readonly<Record<string, ColumnType>>;
/** The row a definition describes: one property per column, typed by its Postgres type. */
export type RowOf<S> = S extends Shape<infer C> ? { -readonly [K in keyof C]: ValueOf<C[K]> } : never;

/**
 * What runs raw SQL: Prisma's client or transaction, or the raw connection of a bulk transaction
 * (lib/db/bulk.ts), which the ingest writer's statements take to skip Prisma's per-statement work.
 */
export interface SqlClient {
  $queryRaw<T = unknown>(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]): PromiseLike<T>;
  $executeRaw(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]): PromiseLike<number>;
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
const baseOf = (type: ColumnType) => type.replace("?", "") as BaseType;
/** How a column is read back so that it arrives as its JavaScript type on both drivers. */
const readCast = (type: BaseType) =>
  type === "uuid" || type === "bigint" || type === "numeric" || type === "date" ? "::text" : "";

/** COPY text format: backslash, tab, newline and carriage return are the characters it escapes. */
const copyEscapes = /[\\\t\n\r]/g;
const needsCopyEscape = /[\\\t\n\r]/;
const copyEscape: Record<string, string> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" };
const copyString = (value: unknown) => {
  const text = String(value);
  return needsCopyEscape.test(text) ? text.replace(copyEscapes, (c) => copyEscape[c]!) : text;
};
/** One column's value as COPY text (never null: the caller writes `\N`). */
function copyEncoder(type: BaseType): (value: unknown) => string {
  if (type === "boolean") return (value) => (value ? "t" : "f");
  if (type === "int" || type === "float8") return (value) => String(value);
  if (type === "timestamptz")
    return (value) => {
      const date = value as Date;
      return Number.isNaN(date.getTime()) ? "\\N" : date.toISOString();
    };
  return copyString;
}

export class Shape<C extends Columns> {
  constructor(readonly columns: C) {}

  private get keys(): string[] {
    return Object.keys(this.columns);
  }

  /** `"a", "b", ...`: an INSERT's column list, in definition order. */
  names(): Prisma.Sql {
    return Prisma.raw(this.keys.map(quote).join(", "));
  }

  /** `"a" uuid, "b" text, ...`: the columns with their types, as a record set or a table declares them. */
  definitions(): string {
    return this.keys.map((key) => `${quote(key)} ${baseOf(this.columns[key]!)}`).join(", ");
  }

  /** `json_to_recordset($1::json) AS alias("a" uuid, ...)`: the rows as a FROM item. */
  from(rows: readonly RowOf<Shape<C>>[], alias: string): Prisma.Sql {
    return Prisma.sql`json_to_recordset(${JSON.stringify(rows)}::json) AS ${Prisma.raw(`${alias}(${this.definitions()})`)}`;
  }

  /**
   * The rows in COPY's text format (one line per row, columns in definition order, tab between,
   * `\N` for null), as lib/db/bulk.ts streams them into a staging table. A date that is not one
   * goes as null, as JSON.stringify sends it to `from`.
   */
  copyText(rows: readonly RowOf<Shape<C>>[]): string {
    const keys = this.keys;
    const encoders = keys.map((key) => copyEncoder(baseOf(this.columns[key]!)));
    const lines: string[] = new Array(rows.length);
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r] as Record<string, unknown>;
      let line = "";
      for (let k = 0; k < keys.length; k++) {
        const value = row[keys[k]!];
        line += (k === 0 ? "" : "\t") + (value === null || value === undefined ? "\\N" : encoders[k]!(value));
      }
      lines[r] = line;
    }
    return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
  }

  /** `alias."a"::text AS "a", ...`: a SELECT or RETURNING list whose result `read` types. */
  select(alias: string): Prisma.Sql {
    return Prisma.raw(
      this.keys
        .map((key) => `${alias}.${quote(key)}${readCast(baseOf(this.columns[key]!))} AS ${quote(key)}`)
        .join(", "),
    );
  }

  /** Runs a query whose result columns are this shape's (see `select`). */
  async read(tx: SqlClient, query: Prisma.Sql): Promise<RowOf<Shape<C>>[]> {
    const rows = await tx.$queryRaw<Record<string, unknown>[]>(query);
    const dates = this.keys.filter((key) => baseOf(this.columns[key]!) === "timestamptz");
    // Drivers differ in what a timestamptz comes back as; the row type says Date.
    for (const row of rows)
      for (const key of dates)
        if (row[key] !== null && !(row[key] instanceof Date)) row[key] = new Date(row[key] as string);
    return rows as RowOf<Shape<C>>[];
  }

  /** The same columns in a chosen order and subset (e.g. what an INSERT supplies from its rows). */
  pick<K extends keyof C & string>(...keys: K[]): Shape<Pick<C, K>> {
    return new Shape(Object.fromEntries(keys.map((key) => [key, this.columns[key]])) as unknown as Pick<C, K>);
  }
}

/** Columns a model's field may be given: a nullable type only where the field is nullable. */
type ColumnsOf<Model> = { [K in keyof Model]?: null extends Model[K] ? ColumnType : BaseType };

/**
 * A table's columns, checked against its Prisma model: `tableColumns<CallModel>()({ runId: "uuid" })`.
 * A key that is not a field of the model (a renamed column) does not compile.
 */
export function tableColumns<Model>() {
  return <const C extends ColumnsOf<Model> & Columns>(columns: C & Record<Exclude<keyof C, keyof Model>, never>) =>
    new Shape<C>(columns);
}

/**
 * Input rows for a table whose SQL fills defaults (`coalesce(t.name, '')`): any column may be
 * null, the names are still checked against the model. `Extra` names join keys that are not the
 * table's own (e.g. the call a tool call belongs to, found by its source and key).
 */
export function tableInput<Model, Extra = object>() {
  return <const C extends { [K in keyof (Model & Extra)]?: ColumnType } & Columns>(
    columns: C & Record<Exclude<keyof C, keyof (Model & Extra)>, never>,
  ) => new Shape<C>(columns);
}

/** Rows that are no table's (join keys, deltas): the same typing, without a model to check against. */
export function recordColumns<const C extends Columns>(columns: C): Shape<C> {
  return new Shape(columns);
}
