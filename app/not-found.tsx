import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";

export const metadata: Metadata = { title: "Not found" };

export default async function NotFound() {
  // Rendered per request, like every page, so that its scripts carry the CSP nonce (proxy.ts).
  await connection();
  return (
    <main className="auth-page">
      <div className="auth-card" data-testid="not-found">
        <h1>Not found</h1>
        <p>There is no page at this address, or it belongs to a team you are not in.</p>
        <nav aria-label="Back">
          <Link href="/">Back to the overview</Link> · <Link href="/runs">Runs</Link>
        </nav>
      </div>
    </main>
  );
}
