/**
 * A real streaming replica of the test Postgres server, for the read-replica tests: a second
 * cluster on this machine, copied with `pg_basebackup -R` into a temporary directory and started
 * with `pg_ctl` on a free port. The server must accept replication connections from 127.0.0.1
 * (.ci/run adds `host replication all 127.0.0.1/32 trust` to its pg_hba.conf and reloads it).
 * Postgres refuses to run as root, so as root the cluster belongs to the postgres OS user.
 */
import { execFile } from "node:child_process";
import { chownSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir, userInfo } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { onServer } from "./postgres-server";

const run = promisify(execFile);

/** The settings a hot standby must have at least as high as its primary, or it will not start. */
const standbyMinimums = [
  "max_connections",
  "max_worker_processes",
  "max_prepared_transactions",
  "max_locks_per_transaction",
  "max_wal_senders",
] as const;

export interface StreamingReplica {
  /** The primary's URL with the replica's host and port: the same database, read-only. */
  urlFor(primaryUrl: string): string;
  /** Resolves once the replica has replayed everything the primary had written when called. */
  caughtUp(primaryUrl: string): Promise<void>;
  /** Stops applying WAL (it keeps receiving it), so the replica visibly lags. */
  pauseReplay(): Promise<void>;
  resumeReplay(): Promise<void>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

/** The one row a statement answers, on a connection of its own. */
async function queryRow<T>(url: string, sql: string): Promise<T> {
  const [row] = (await onServer(sql, url)).rows as T[];
  if (row === undefined) throw new Error(`no row from ${sql}`);
  return row;
}

export async function startStreamingReplica(serverUrl: string): Promise<StreamingReplica> {
  const primary = new URL(serverUrl);
  const settings = await queryRow<Record<string, string>>(
    serverUrl,
    `SELECT current_setting('server_version_num') AS version, ${standbyMinimums.map((name) => `current_setting('${name}') AS ${name}`).join(", ")}`,
  );
  const bin = path.join("/usr/lib/postgresql", String(Math.floor(Number(settings.version) / 10000)), "bin");
  const asRoot = userInfo().uid === 0;
  const owner = asRoot
    ? {
        uid: Number((await run("id", ["-u", "postgres"])).stdout.trim()),
        gid: Number((await run("id", ["-g", "postgres"])).stdout.trim()),
      }
    : undefined;
  const pgTool = (tool: string, args: string[]) =>
    asRoot ? run("runuser", ["-u", "postgres", "--", path.join(bin, tool), ...args]) : run(path.join(bin, tool), args);

  const home = mkdtempSync(path.join(tmpdir(), "trh-replica-"));
  if (owner !== undefined) chownSync(home, owner.uid, owner.gid);
  const dataDir = path.join(home, "data");
  const port = await freePort();
  let started = false;
  const stop = async () => {
    if (started) await pgTool("pg_ctl", ["-D", dataDir, "-m", "immediate", "-w", "stop"]).catch(() => undefined);
    started = false;
    rmSync(home, { recursive: true, force: true });
  };
  try {
    await pgTool("pg_basebackup", [
      `--dbname=host=${primary.hostname} port=${primary.port || 5432} user=${decodeURIComponent(primary.username || "postgres")}`,
      "-D",
      dataDir,
      "-R",
      "-X",
      "stream",
      "-c",
      "fast",
    ]);
    // A Debian cluster keeps its configuration outside the data directory: the copy gets its own.
    const conf = [
      `port = ${port}`,
      "listen_addresses = '127.0.0.1'",
      `unix_socket_directories = '${home}'`,
      "hot_standby = on",
      "shared_buffers = 32MB",
      ...standbyMinimums.map((name) => `${name} = ${settings[name]}`),
    ];
    writeFileSync(path.join(dataDir, "postgresql.conf"), `${conf.join("\n")}\n`);
    writeFileSync(path.join(dataDir, "pg_hba.conf"), "local all all trust\nhost all all 127.0.0.1/32 trust\n");
    if (owner !== undefined) {
      for (const file of ["postgresql.conf", "pg_hba.conf"]) chownSync(path.join(dataDir, file), owner.uid, owner.gid);
    }
    started = true;
    await pgTool("pg_ctl", ["-D", dataDir, "-l", path.join(home, "log"), "-w", "-t", "60", "start"]);
  } catch (error) {
    await stop();
    throw error;
  }

  const urlFor = (primaryUrl: string) => {
    const url = new URL(primaryUrl);
    url.hostname = "127.0.0.1";
    url.port = String(port);
    return url.toString();
  };
  const replicaAdmin = urlFor(serverUrl);
  return {
    urlFor,
    async caughtUp(primaryUrl) {
      const { lsn } = await queryRow<{ lsn: string }>(primaryUrl, "SELECT pg_current_wal_lsn()::text AS lsn");
      const deadline = Date.now() + 30_000;
      for (;;) {
        const { replayed } = await queryRow<{ replayed: boolean }>(
          replicaAdmin,
          `SELECT pg_last_wal_replay_lsn() >= '${lsn}'::pg_lsn AS replayed`,
        );
        if (replayed) return;
        if (Date.now() > deadline) throw new Error(`the replica did not replay up to ${lsn} within 30 s`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async pauseReplay() {
      await queryRow(replicaAdmin, "SELECT pg_wal_replay_pause()");
    },
    async resumeReplay() {
      await queryRow(replicaAdmin, "SELECT pg_wal_replay_resume()");
    },
    stop,
  };
}
