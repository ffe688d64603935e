import type { Metadata } from "next";
import Link from "next/link";

export const metadata: Metadata = { title: "Not allowed" };

export default function ForbiddenPage() {
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
