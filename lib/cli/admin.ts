/** `trh admin create-user` and `trh admin create-key` (docs/CONTRACT.md). */
import { parseArgs } from "node:util";
import { ZodError } from "zod";
import { createApiKey } from "@/lib/admin/api-keys";
import { addMember, ensureTeam, MemberExistsError } from "@/lib/admin/members";
import { withDatabase } from "./database";
import { CommandError, UsageError } from "./errors";

function parse(args: string[], options: Record<string, { type: "string" }>) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values as Record<
      string,
      string | undefined
    >;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function required(values: Record<string, string | undefined>, ...names: string[]): string[] {
  const missing = names.filter((name) => !values[name]);
  if (missing.length > 0) throw new UsageError(`missing ${missing.map((name) => `--${name}`).join(", ")}`);
  return names.map((name) => values[name]!);
}

/** Validation failures of the values themselves are usage errors too. */
function asUsageError(error: unknown): never {
  if (error instanceof ZodError) throw new UsageError(error.issues.map((issue) => issue.message).join("; "));
  throw error;
}

async function createUser(args: string[]): Promise<number> {
  const values = parse(args, {
    email: { type: "string" },
    password: { type: "string" },
    team: { type: "string" },
    role: { type: "string" },
  });
  const [email, password, team, role] = required(values, "email", "password", "team", "role");
  return withDatabase(async () => {
    const created = await ensureTeam(team!).catch(asUsageError);
    try {
      const { created: newUser } = await addMember(created.id, {
        email: email!,
        password: password!,
        role: role!,
      }).catch(asUsageError);
      process.stdout.write(
        `${newUser ? "created" : "added"} ${email!.toLowerCase()} as ${role!.toLowerCase()} of team ${created.slug}\n`,
      );
    } catch (error) {
      if (error instanceof MemberExistsError) throw new CommandError(error.message);
      throw error;
    }
    return 0;
  });
}

async function createKey(args: string[]): Promise<number> {
  const values = parse(args, { team: { type: "string" }, name: { type: "string" }, scope: { type: "string" } });
  const [team, name] = required(values, "team", "name");
  return withDatabase(async (database) => {
    const found = await database.team.findUnique({ where: { slug: team!.toLowerCase() } });
    if (!found) throw new CommandError(`no team "${team}"; create it with trh admin create-user`);
    const { key } = await createApiKey(
      { teamId: found.id },
      { name: name!, scope: (values.scope ?? "all") as "all" },
    ).catch(asUsageError);
    process.stdout.write(`${key}\n`);
    process.stderr.write("Keep this key now: it is not shown again.\n");
    return 0;
  });
}

export async function adminCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === "create-user") return createUser(rest);
  if (sub === "create-key") return createKey(rest);
  throw new UsageError("usage: trh admin create-user|create-key [options]");
}
