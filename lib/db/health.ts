import { db } from "./client";
import { databaseKind } from "./config";

/** `GET /api/health` (docs/CONTRACT.md): ok when the database answers a query. */
export async function databaseHealth(): Promise<{ status: "ok" | "error"; database: "embedded" | "postgres" }> {
  const database = databaseKind();
  try {
    await db().$queryRaw`SELECT 1`;
    return { status: "ok", database };
  } catch (error) {
    console.error("health check failed:", error);
    return { status: "error", database };
  }
}
