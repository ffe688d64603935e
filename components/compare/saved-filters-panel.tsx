"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import type { SavedFilter } from "@/lib/compare/saved-filters";

async function send(path: string, init: RequestInit): Promise<string | null> {
  const response = await fetch(path, { ...init, headers: { "content-type": "application/json" } });
  if (response.ok) return null;
  const body = await response.json().catch(() => null);
  return body?.error?.message ?? `the server answered ${response.status}`;
}

/** The team's saved filters, each a cohort `filter:<name>`; managers and admins save and delete them. */
export function SavedFiltersPanel({ filters, canManage }: { filters: SavedFilter[]; canManage: boolean }) {
  const router = useRouter();
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (work: () => Promise<string | null>) => {
    setBusy(true);
    const failure = await work();
    setBusy(false);
    setProblem(failure);
    if (failure === null) router.refresh();
  };
  return (
    <section className="panel" data-testid="saved-filters">
      <h2>Saved filters</h2>
      {filters.length === 0 ? (
        <p className="muted">No saved filters yet.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Cohort</th>
              <th>Runs that meet</th>
              {canManage ? <th /> : null}
            </tr>
          </thead>
          <tbody>
            {filters.map((filter) => (
              <tr key={filter.id}>
                <td>
                  <code>filter:{filter.name}</code>
                </td>
                <td>
                  <code>{filter.spec}</code>
                </td>
                {canManage ? (
                  <td>
                    <button
                      type="button"
                      className="secondary small"
                      disabled={busy}
                      onClick={() =>
                        run(() => send(`/api/v1/saved-filters/${encodeURIComponent(filter.id)}`, { method: "DELETE" }))
                      }
                    >
                      Delete
                    </button>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {canManage ? (
        <form
          className="inline"
          data-testid="save-filter-form"
          onSubmit={(event) => {
            event.preventDefault();
            const form = new FormData(event.currentTarget);
            run(() =>
              send("/api/v1/saved-filters", {
                method: "POST",
                body: JSON.stringify({ name: form.get("name"), spec: form.get("spec") }),
              }),
            );
          }}
        >
          <label>
            Name
            <input name="name" required maxLength={80} placeholder="web-reviewed" />
          </label>
          <label>
            Runs that meet
            <input name="spec" required maxLength={600} size={40} placeholder="project:web,tag:team=platform" />
          </label>
          <button type="submit" disabled={busy}>
            Save filter
          </button>
        </form>
      ) : null}
      {problem ? (
        <p className="notice error" role="alert">
          {problem}
        </p>
      ) : null}
    </section>
  );
}
