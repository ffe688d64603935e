/**
 * Entry point of `trh`: picks the sub-command and maps failures to the exit codes of docs/CONTRACT.md
 * (0 success, 1 failure with a one-line reason on stderr, 2 usage error).
 */
import { CommandError, UsageError } from "./errors";

type Command = (args: string[]) => Promise<number>;

const commands: Record<string, () => Promise<Command>> = {
  analyze: async () => (await import("./analyze")).analyzeCommand,
  import: async () => (await import("./import")).importCommand,
  push: async () => (await import("./push")).pushCommand,
  admin: async () => (await import("./admin")).adminCommand,
};

const usage = `usage: trh <command> [options]

commands:
  analyze [PATH...] [--json] [--since YYYY-MM-DD] [--until YYYY-MM-DD] [--by day|model|session|project] [--threads N]
  import PATH... --team SLUG [--json]
  push PATH... --url URL --key KEY [--watch]
  admin create-user --email E --password P --team SLUG --role admin|manager|member
  admin create-key --team SLUG --name NAME [--scope ingest|read|all]`;

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(`${usage}\n`);
    return name ? 0 : 2;
  }
  const load = commands[name];
  if (!load) {
    process.stderr.write(`trh: unknown command "${name}"\n${usage}\n`);
    return 2;
  }
  try {
    const command = await load();
    return await command(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`trh ${name}: ${error.message}\n`);
      return 2;
    }
    const message = error instanceof CommandError || error instanceof Error ? error.message : String(error);
    process.stderr.write(`trh ${name}: ${message.split("\n")[0]}\n`);
    return 1;
  }
}
