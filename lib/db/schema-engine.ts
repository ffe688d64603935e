/**
 * Prisma's schema engine, compiled to wasm and run in-process. Prisma's CLI wants a native engine
 * that cannot be downloaded on offline machines; the wasm build on npm is the same engine, driven
 * through a driver adapter. We use it to diff the schema into migration SQL (scripts/new-migration.ts)
 * and to apply the migrations folder, keeping Prisma's own `_prisma_migrations` bookkeeping.
 */
import { readdir, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlMigrationAwareDriverAdapterFactory,
} from "@prisma/driver-adapter-utils";
import type { MigrationList, SchemaEngine } from "@prisma/schema-engine-wasm";

const require = createRequire(import.meta.url);

/** The app's folder: `trh` sets TRH_APP_ROOT (it may run anywhere); the server runs in it. */
const appRoot = process.env.TRH_APP_ROOT ?? process.cwd();
export const schemaPath = path.join(appRoot, "prisma", "schema.prisma");
export const migrationsDir = path.join(appRoot, "prisma", "migrations");

let engineModule: Promise<typeof import("@prisma/schema-engine-wasm/schema_engine_bg")> | undefined;

/** Instantiates the wasm once per process (the package's own entry imports .wasm as an ES module, which Node cannot). */
function loadEngineModule() {
  engineModule ??= (async () => {
    const bindings = await import("@prisma/schema-engine-wasm/schema_engine_bg");
    const wasmPath = path.join(
      path.dirname(require.resolve("@prisma/schema-engine-wasm/schema_engine_bg")),
      "schema_engine_bg.wasm",
    );
    const { instance } = await WebAssembly.instantiate(await readFile(wasmPath), {
      "./schema_engine_bg.js": bindings as unknown as WebAssembly.ModuleImports,
    });
    bindings.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return bindings;
  })();
  return engineModule;
}

export async function openSchemaEngine(adapterFactory: SqlMigrationAwareDriverAdapterFactory): Promise<SchemaEngine> {
  const bindings = await loadEngineModule();
  const schema = await readFile(schemaPath, "utf8");
  const log = () => {};
  return bindings.SchemaEngine.new(
    { datamodels: [[schemaPath, schema]] },
    log,
    bindMigrationAwareSqlAdapterFactory(adapterFactory),
  ) as Promise<SchemaEngine>;
}

/** The migrations folder in the shape the engine takes. */
export async function readMigrationList(): Promise<MigrationList> {
  const names = (await readdir(migrationsDir, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const migrationDirectories = await Promise.all(
    names.map(async (name) => ({
      path: name,
      migrationFile: {
        path: "migration.sql",
        content: { tag: "ok" as const, value: await readFile(path.join(migrationsDir, name, "migration.sql"), "utf8") },
      },
    })),
  );
  const lockPath = path.join(migrationsDir, "migration_lock.toml");
  const lock = await readFile(lockPath, "utf8").catch(() => null);
  return {
    baseDir: migrationsDir,
    lockfile: { path: "migration_lock.toml", content: lock === null ? null : lock },
    shadowDbInitScript: "",
    migrationDirectories,
  } as MigrationList;
}

export const noFilters = { externalTables: [], externalEnums: [] };
