"use client";

import type { BillingFormState } from "@/lib/billing/actions";
import { BillingForm } from "./billing-form";

type Action = (state: BillingFormState, form: FormData) => Promise<BillingFormState>;

export interface SourceRow {
  id: string;
  provider: string;
  name: string;
  lastSyncStatus: string | null;
  /** ISO timestamp. */
  lastSyncAt: string | null;
  lastSyncError: string | null;
  lastSyncRange: string | null;
}

/** The team's billing sources with their last sync, "Sync now" (the page's range), and a form to add one (admins). */
export function BillingSourcesPanel({
  sources,
  from,
  to,
  canManage,
  addAction,
  syncAction,
}: {
  sources: SourceRow[];
  from: string;
  to: string;
  canManage: boolean;
  addAction: Action;
  syncAction: Action;
}) {
  return (
    <section className="panel" data-testid="billing-sources">
      <h2>Billing sources</h2>
      {sources.length === 0 ? (
        <p className="muted">
          No billing source yet: add a provider&apos;s admin key to compare its bill with the traces.
        </p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Name</th>
              <th>Provider</th>
              <th>Last sync</th>
              {canManage ? <th /> : null}
            </tr>
          </thead>
          <tbody>
            {sources.map((source) => (
              <tr key={source.id} data-testid={`billing-source-${source.name}`}>
                <td>{source.name}</td>
                <td>{source.provider === "anthropic" ? "Anthropic" : "OpenAI"}</td>
                <td>
                  {source.lastSyncStatus === null ? (
                    <span className="muted">never</span>
                  ) : (
                    <>
                      <span className={source.lastSyncStatus === "ok" ? "badge" : "badge danger"}>
                        {source.lastSyncStatus === "ok" ? "ok" : "failed"}
                      </span>{" "}
                      <span className="small muted">
                        {source.lastSyncRange} at {source.lastSyncAt?.replace("T", " ").slice(0, 16)} UTC
                      </span>
                      {source.lastSyncError ? (
                        <div className="notice error small" data-testid="sync-error">
                          {source.lastSyncError}
                        </div>
                      ) : null}
                    </>
                  )}
                </td>
                {canManage ? (
                  <td>
                    <BillingForm action={syncAction} pendingLabel="pulling the bill…" quietErrors>
                      {(pending) => (
                        <>
                          <input type="hidden" name="sourceId" value={source.id} />
                          <input type="hidden" name="from" value={from} />
                          <input type="hidden" name="to" value={to} />
                          <button
                            type="submit"
                            className="secondary"
                            disabled={pending}
                            title={`Pull ${from} to ${to} from the provider now`}
                          >
                            Sync now
                          </button>
                        </>
                      )}
                    </BillingForm>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {canManage && sources.length > 0 ? (
        <p className="small muted">
          Sync now pulls {from} to {to} (the range above) and replaces those days.
        </p>
      ) : null}
      {canManage ? (
        <>
          <h3>Add a billing source</h3>
          <BillingForm action={addAction} testId="add-billing-source">
            {(pending) => (
              <>
                <label>
                  Provider
                  <select name="provider" defaultValue="anthropic">
                    <option value="anthropic">Anthropic (Admin API)</option>
                    <option value="openai">OpenAI (organization admin key)</option>
                  </select>
                </label>
                <label>
                  Name
                  <input name="name" required maxLength={100} placeholder="Anthropic org" />
                </label>
                <label>
                  Admin key
                  <input name="adminKey" type="password" required autoComplete="off" placeholder="sk-ant-admin…" />
                </label>
                <button type="submit" disabled={pending}>
                  Add source
                </button>
              </>
            )}
          </BillingForm>
          <p className="small muted">
            The key is stored encrypted with a key derived from the server&apos;s secret and is never shown again. The
            bill syncs every hour on its own.
          </p>
        </>
      ) : null}
    </section>
  );
}
