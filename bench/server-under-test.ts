/**
 * A fresh team on a fresh database (a database on the local Postgres server, or an embedded one in
 * a folder) and the ingest routes served for it by bench/ingest-server.ts, for the benchmarks that
 * send requests to a running server.
 */
import { spawn, spawnSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { onServer } from "@/lib/testing/postgres-server";
import { REPO } from "./measure";

export type DatabaseKind = "postgres" | "embedded";

export const trh = (...args: string[]) => [path.join(REPO, "bin", "trh.mjs"), ...args];

export interface BenchDatabase {
  kind: DatabaseKind;
  /** The environment `trh` and the server run with. */
  env: NodeJS.ProcessEnv;
  /** The Postgres database's URL (null on the embedded database). */
  url: string | null;
  /** Empties the database and creates the team "bench" with an admin. */
  fresh(): Promise<void>;
  drop(): Promise<void>;
}

export function benchDatabase(kind: DatabaseKind, name: string, server: string, dataDir: string): BenchDatabase {
  const url = kind === "postgres" ? Object.assign(new URL(server), { pathname: `/${name}` }).toString() : null;
  const env: NodeJS.ProcessEnv =
    kind === "postgres"
      ? { ...process.env, DATABASE_URL: url!, TRH_DATA_DIR: dataDir }
      : { ...process.env, DATABASE_URL: "", TRH_DATA_DIR: dataDir };
  const drop = async () => {
    if (kind === "postgres") await onServer(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`, server);
    rmSync(dataDir, { recursive: true, force: true });
  };
  return {
    kind,
    env,
    url,
    drop,
    async fresh() {
      await drop();
      if (kind === "postgres") await onServer(`CREATE DATABASE ${name}`, server);
      const created = spawnSync(
        process.execPath,
        trh(
          "admin",
          "create-user",
          "--email",
          "bench@example.com",
          "--password",
          "bench-password",
          "--team",
          "bench",
          "--role",
          "admin",
        ),
        { env, encoding: "utf8" },
      );
      if (created.status !== 0) throw new Error(created.stderr);
    },
  };
}

/** The ingest routes behind a server on `port`, with an ingest key; its peak RSS is read before it stops. */
export async function withIngestServer<T>(
  database: BenchDatabase,
  port: number,
  work: (url: string, key: string, pid: number) => Promise<T>,
): Promise<{ result: T; serverPeakRssMb: number }> {
  const keyRun = spawnSync(
    process.execPath,
    trh("admin", "create-key", "--team", "bench", "--name", `bench-${Date.now()}`, "--scope", "ingest"),
    { env: database.env, encoding: "utf8" },
  );
  const key = /trh_[A-Za-z0-9_-]+/.exec(keyRun.stdout)?.[0];
  if (!key) throw new Error(`no key: ${keyRun.stdout} ${keyRun.stderr}`);
  const server = spawn(
    process.execPath,
    [
      ...(process.env.BENCH_SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean),
      "--import",
      "tsx",
      path.join(REPO, "bench", "ingest-server.ts"),
    ],
    {
      env: { ...database.env, PORT: String(port) },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  await new Promise<void>((resolve, reject) => {
    server.stdout.on("data", (chunk: Buffer) => chunk.toString().includes("ready") && resolve());
    server.on("exit", (code) => reject(new Error(`the ingest server exited with ${code}`)));
  });
  try {
    const result = await work(`http://127.0.0.1:${port}`, key, server.pid!);
    return { result, serverPeakRssMb: rssMb(server.pid!, "VmHWM") };
  } finally {
    server.kill("SIGTERM");
    await new Promise((resolve) => server.on("close", resolve));
  }
}

/** A process's resident set (VmRSS) or its peak (VmHWM), in MB. */
export function rssMb(pid: number, field: "VmRSS" | "VmHWM"): number {
  const match = new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return Number(match?.[1] ?? 0) / 1024;
}

/** A process's CPU time so far (user + system), in seconds: steadier than wall time on a busy machine. */
export function cpuSeconds(pid: number): number {
  // Fields after the command name (which may hold spaces, so split after its closing parenthesis).
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
