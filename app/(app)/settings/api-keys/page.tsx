import type { Metadata } from "next";
import { CreateKeyForm } from "@/components/admin/create-key-form";
import { PageHead } from "@/components/page-head";
import { revokeApiKeyAction } from "@/lib/admin/api-key-actions";
import { pageScope } from "@/lib/auth/scope";
import { teamDb } from "@/lib/db/team-db";

export const metadata: Metadata = { title: "API keys" };

const day = (date: Date | null) => (date ? date.toISOString().slice(0, 16).replace("T", " ") : "never");

export default async function ApiKeysPage() {
  const scope = await pageScope("keys:manage");
  const keys = await teamDb(scope).apiKey.findMany({ orderBy: { createdAt: "desc" } });
  return (
    <>
      <PageHead
        title="API keys"
        subtitle="For trh push, Claude Code telemetry and the read API. Only a hash of each key is stored."
      />
      <section className="panel">
        <h2>Create a key</h2>
        <CreateKeyForm />
      </section>
      <section className="panel">
        {keys.length === 0 ? (
          <p className="muted">No keys yet.</p>
        ) : (
          <table data-testid="api-keys">
            <thead>
              <tr>
                <th>Name</th>
                <th>Key</th>
                <th>Scopes</th>
                <th>Created</th>
                <th>Last used</th>
                <th></th>
              </tr>
            </thead>
            <tbody>
              {keys.map((key) => (
                <tr key={key.id}>
                  <td>{key.name}</td>
                  <td>
                    <code>trh_{key.prefix}_…</code>
                  </td>
                  <td>{key.scopes.join(", ")}</td>
                  <td>{day(key.createdAt)}</td>
                  <td>{day(key.lastUsedAt)}</td>
                  <td>
                    {key.revokedAt ? (
                      <span className="badge">revoked {day(key.revokedAt)}</span>
                    ) : (
                      <form action={revokeApiKeyAction}>
                        <input type="hidden" name="id" value={key.id} />
                        <button type="submit" className="danger">
                          Revoke
                        </button>
                      </form>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
