import type { Metadata } from "next";
import { PageHead } from "@/components/page-head";
import { pageScope } from "@/lib/auth/scope";
import { auditLog } from "@/lib/queries/audit-log";

export const metadata: Metadata = { title: "Audit log" };

const show = (value: unknown) => (value === null || value === undefined ? "" : JSON.stringify(value, null, 1));

export default async function AuditLogPage() {
  const scope = await pageScope("spend:read-all");
  const entries = await auditLog(scope);
  return (
    <>
      <PageHead
        title="Audit log"
        subtitle="Every change to ownership, members and keys: who, when, before and after."
      />
      <section className="panel">
        {entries.length === 0 ? (
          <p className="muted">Nothing has been changed yet.</p>
        ) : (
          <table data-testid="audit-log">
            <thead>
              <tr>
                <th>When (UTC)</th>
                <th>Who</th>
                <th>What</th>
                <th>Before</th>
                <th>After</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry) => (
                <tr key={entry.id}>
                  <td>{entry.createdAt.toISOString().slice(0, 19).replace("T", " ")}</td>
                  <td>{entry.actor}</td>
                  <td>
                    <code>{entry.action}</code>
                  </td>
                  <td>
                    <pre className="audit-json">{show(entry.before)}</pre>
                  </td>
                  <td>
                    <pre className="audit-json">{show(entry.after)}</pre>
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
