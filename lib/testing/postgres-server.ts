/**
 * The local Postgres server as tests, e2e and benchmarks use it: its URL, a database's URL on it,
 * and one statement on a connection of its own (CREATE / DROP DATABASE cannot run in a pool's
 * transaction, and a role or setting made here must not leak into the app's pool).
 */
import pg from "pg";

/** The server's maintenance database (TEST_POSTGRES_URL, else the local server with trust auth). */
export const postgresServerUrl = process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/** The URL of database `name` on the server of `serverUrl`. */
export function databaseUrlOn(serverUrl: string, name: string): string {
  return Object.assign(new URL(serverUrl), { pathname: `/${name}` }).toString();
}

/** Runs `sql` (one or more statements) on a connection of its own to `url`. */
export async function onServer(sql: string, url: string = postgresServerUrl): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}
