import type { Metadata } from "next";
import { CreateKeyForm } from "@/components/admin/create-key-form";
import { PageHead } from "@/components/page-head";
import { revokeApiKeyAction } from "@/lib/admin/api-key-actions";
import { visibleApiKeys } from "@/lib/admin/api-keys";
import { may } from "@/lib/auth/policy";
import { pageScope } from "@/lib/auth/scope";

export const metadata: Metadata = { title: "API keys" };

const day = (date: Date | null) => (date ? date.toISOString().slice(0, 16).replace("T", " ") : "never");

export default async function ApiKeysPage() {
  const scope = await pageScope("keys:own");
  const admin = may(scope, "keys:manage");
  const keys = await visibleApiKeys(scope);
  return (
    <>
      <PageHead
        title={admin ? "API keys" : "Your push keys"}
        subtitle={
          admin
            ? "For trh push, Claude Code telemetry and the read API. Only a hash of each key is stored."
            : `Keys for trh push and Claude Code telemetry from your machines: they send traces to ${scope.teamName} and can do nothing else. You see and revoke only your own; only a hash of each key is stored.`
        }
      />
      <section className="panel">
        <h2>{admin ? "Create a key" : "Create a push key"}</h2>
        <CreateKeyForm chooseScope={admin} />
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
