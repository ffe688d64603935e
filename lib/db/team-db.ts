/**
 * The team-scoping helper. `teamDb(scope)` is the Prisma client with every model operation pinned
 * to the scope's team: the team id is added to every `where` and every row written, so a caller
 * cannot read or change another team's rows even by passing another team's ids. Raw SQL (the
 * queries folder) takes the scope and binds scope.teamId as a parameter.
 */
import { db } from "./client";

/** Models that are not owned by one team. */
const globalModels = new Set(["Team", "User"]);

type Args = { where?: Record<string, unknown>; data?: unknown; create?: Record<string, unknown> };

function withTeam<T>(data: T, teamId: string): T {
  if (Array.isArray(data)) return data.map((row) => ({ ...row, teamId })) as T;
  return { ...(data as object), teamId } as T;
}

export function teamDb(scope: { teamId: string }) {
  const { teamId } = scope;
  return db().$extends({
    name: "team-scope",
    query: {
      $allModels: {
        async $allOperations({ model, operation, args, query }) {
          if (globalModels.has(model)) return query(args);
          const scoped = { ...(args as Args) };
          if (operation !== "create" && operation !== "createMany" && operation !== "createManyAndReturn") {
            scoped.where = { ...scoped.where, teamId };
          }
          if (operation.startsWith("create") && scoped.data !== undefined) scoped.data = withTeam(scoped.data, teamId);
          if (operation === "upsert" && scoped.create) scoped.create = withTeam(scoped.create, teamId);
          return query(scoped as typeof args);
        },
      },
    },
  });
}
