/**
 * `trh import PATH... --team SLUG [--json]`: trace files straight into the database (DATABASE_URL
 * or the embedded one), through the same writer as the server.
 */
import os from "node:os";
import { parseArgs } from "node:util";
import { findTraceFiles } from "@/lib/analyze/trace-files";
import type { Scope } from "@/lib/auth/scope";
import { formatUsd } from "@/lib/format";
import { ParsedFiles } from "@/lib/ingest/parsed-files";
import { IngestInputError } from "@/lib/ingest/trace-body";
import { IngestWriter } from "@/lib/ingest/writer";
import { withDatabase } from "./database";
import { CommandError, UsageError } from "./errors";
import { ProgressLine } from "./progress-line";

export async function importCommand(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: { team: { type: "string" }, json: { type: "boolean", default: false } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (positionals.length === 0) throw new UsageError("name at least one file or folder to import");
  if (!values.team) throw new UsageError("missing --team SLUG");
  const { files, unreadable, missing } = await findTraceFiles(positionals);
  if (missing.length > 0) throw new CommandError(`no such file or folder: ${missing.join(", ")}`);

  return withDatabase(async (database) => {
    const team = await database.team.findUnique({ where: { slug: values.team!.toLowerCase() } });
    if (!team) throw new CommandError(`no team "${values.team}"; create it with trh admin create-user`);
    const scope: Scope = {
      teamId: team.id,
      teamSlug: team.slug,
      teamName: team.name,
      actor: { kind: "cli", osUser: os.userInfo().username },
    };
    // One batch for the whole import: few, large transactions instead of one per file.
    const writer = await IngestWriter.open(scope, { format: "import", fileName: positionals.join(" ").slice(0, 500) });
    const skipped: { file: string; line: number; message: string }[] = unreadable.map((u) => ({
      file: u.file,
      line: 0,
      message: u.message,
    }));
    const progress = new ProgressLine(files.reduce((sum, file) => sum + file.size, 0));
    let doneBytes = 0;
    let result;
    const parsed = new ParsedFiles(files);
    try {
      for (const file of files) {
        try {
          await writer.addAll(
            parsed.events((bytes) => progress.update(doneBytes + bytes)),
            file.absolutePath,
          );
        } catch (error) {
          if (!(error instanceof IngestInputError)) throw error;
          skipped.push({ file: file.absolutePath, line: 0, message: error.message });
        }
        doneBytes += file.size;
      }
      // Its heap is freed before the after-commit work, the import's other memory peak.
      await parsed.close();
      result = await writer.finish();
    } catch (error) {
      await writer.fail(error);
      throw error;
    } finally {
      await parsed.close();
    }
    progress.done();
    const { calls, duplicates, costUsd } = result;
    const runIds = new Set(result.runIds);
    const unpriced = new Set(result.unpricedModels);
    const errors = [
      ...skipped,
      ...result.errors.map((e) => ({ file: e.file ?? "", line: e.line, message: e.message })),
    ];
    const summary = { runs: runIds.size, calls, duplicates, errors };
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ ...summary, costUsd, unpricedModels: [...unpriced].sort() })}\n`);
    } else {
      process.stdout.write(
        `Imported ${files.length} file(s) into team ${team.slug}: ${calls} new call(s) in ${runIds.size} run(s), ` +
          `${duplicates} duplicate(s) skipped, ${formatUsd(costUsd)} added.\n`,
      );
      for (const error of errors) process.stdout.write(`  ${error.file}:${error.line}: ${error.message}\n`);
      if (unpriced.size > 0)
        process.stderr.write(`warning: no price for ${[...unpriced].join(", ")}; their calls count $0\n`);
    }
    return 0;
  });
}
