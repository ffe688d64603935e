import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";

export const metadata: Metadata = { title: "Not allowed" };

export default async function ForbiddenPage() {
  // Rendered per request, never prerendered: only then does Next.js put the request's CSP nonce
  // (proxy.ts) on the page's scripts; a static copy's scripts would all be blocked.
  await connection();
  return (
    <main className="auth-page">
      <div className="auth-card" data-testid="forbidden">
        <h1>Not allowed</h1>
        <p>Your role in this team does not give access to that page. An admin of the team can change your role.</p>
        <Link href="/">Back to the overview</Link>
      </div>
    </main>
  );
}
