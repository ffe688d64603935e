/**
 * The two ingest route handlers behind a plain node:http server, for bench:import's push and
 * upload figures without building the Next.js app (minutes on this machine): the same handlers
 * `npm start` serves, on DATABASE_URL or the embedded database in TRH_DATA_DIR. Prints "ready".
 *
 * usage: PORT=N tsx bench/ingest-server.ts
 */
import { startIngestServer } from "@/lib/testing/ingest-server";

await startIngestServer(Number(process.env.PORT));
process.stdout.write("ready\n");
// Exit normally on SIGTERM, so that `--cpu-prof` and other exit hooks run.
process.on("SIGTERM", () => process.exit(0));
