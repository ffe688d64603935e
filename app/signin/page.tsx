import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SignInForm } from "@/components/auth/sign-in-form";
import { sessionUserId } from "@/lib/auth/scope";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string }> }) {
  if (await sessionUserId()) redirect("/");
  const { callbackUrl } = await searchParams;
  return (
    <main className="auth-page">
      <div className="auth-card">
        <h1>Token Robin Hood</h1>
        <p className="muted">Sign in to see what your team&apos;s coding agents cost.</p>
        <SignInForm callbackUrl={callbackUrl ?? "/"} />
      </div>
    </main>
  );
}
