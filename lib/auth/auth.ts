/**
 * next-auth (Auth.js v5) with email and password. Sessions are signed JWT cookies (httpOnly,
 * sameSite=lax, secure when served over https); the token carries only the user id, and every
 * request re-reads memberships from the database, so a removed member loses access at once.
 */
import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { z } from "zod";
import { db } from "@/lib/db/client";
import { authSecret } from "./secret";
import { unknownUserHash, verifyPassword } from "./password";
import { recordFailedSignIn, recordSuccessfulSignIn, signInRetryAfter } from "./rate-limit";

class TooManyAttempts extends CredentialsSignin {
  code = "too_many_attempts";
}

const credentialsSchema = z.object({
  email: z.string().trim().toLowerCase().email().max(320),
  password: z.string().min(1).max(1024),
});

function clientAddress(request: Request): string {
  const forwarded = request.headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  return forwarded || request.headers.get("x-real-ip") || "unknown";
}

export const { handlers, auth, signIn, signOut } = NextAuth({
  secret: authSecret(),
  trustHost: true,
  session: { strategy: "jwt", maxAge: 7 * 24 * 60 * 60 },
  pages: { signIn: "/signin" },
  logger: {
    // A wrong password is an expected event, not a server error worth a stack trace.
    error(error) {
      // `type`, not `name`: class names are minified in the production build.
      if ((error as Error & { type?: string }).type !== "CredentialsSignin") console.error(error);
    },
  },
  providers: [
    Credentials({
      credentials: { email: {}, password: {} },
      async authorize(raw, request) {
        const parsed = credentialsSchema.safeParse(raw);
        if (!parsed.success) return null;
        const { email, password } = parsed.data;
        const address = clientAddress(request);
        if ((await signInRetryAfter(email, address)) > 0) throw new TooManyAttempts();
        const user = await db().user.findUnique({ where: { email } });
        const ok = await verifyPassword(password, user?.passwordHash ?? unknownUserHash);
        if (!user || !ok) {
          await recordFailedSignIn(email, address);
          return null;
        }
        await recordSuccessfulSignIn(email);
        return { id: user.id, email: user.email, name: user.name ?? user.email };
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      if (user?.id) token.sub = user.id;
      return token;
    },
    session({ session, token }) {
      if (token.sub) session.user.id = token.sub;
      return session;
    },
  },
});
