/**
 * next-auth (Auth.js v5) with email and password. Sessions are signed JWT cookies (httpOnly,
 * sameSite=lax, secure when served over https); the token carries only the user id and the user's
 * session version, and every request re-reads both from the database: a removed member loses
 * access at once, and signing out (which increments the version) ends every session of that user,
 * so an old cookie stops working the moment its owner signs out.
 */
import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { z } from "zod";
import { db } from "@/lib/db/client";
import { clientAddress } from "@/lib/http/forwarded";
import { unknownUserHash, verifyPassword } from "./password";
import { recordFailedSignIn, recordSuccessfulSignIn, signInRetryAfter } from "./rate-limit";
import { authSecret } from "./secret";

class TooManyAttempts extends CredentialsSignin {
  code = "too_many_attempts";
}

const credentialsSchema = z.object({
  email: z.string().trim().toLowerCase().email().max(320),
  password: z.string().min(1).max(1024),
});

/**
 * Errors any unauthenticated client can cause (a wrong password, a forged, expired or truncated
 * cookie, a missing CSRF token): logging them would let anyone flood the log, so they are dropped.
 */
const clientCausedErrors = new Set([
  "CredentialsSignin",
  "JWTSessionError",
  "SessionTokenError",
  "MissingCSRF",
  "InvalidCheck",
  "UnknownAction",
  "InvalidCallbackUrl",
]);

async function currentSessionVersion(userId: string): Promise<number | null> {
  try {
    const user = await db().user.findUnique({ where: { id: userId }, select: { sessionVersion: true } });
    return user?.sessionVersion ?? null;
  } catch (error) {
    // next-auth reports a failing callback as an invalid cookie, which the logger drops: say it here.
    console.error(error);
    throw error;
  }
}

export const { handlers, auth, signIn, signOut } = NextAuth({
  secret: authSecret(),
  trustHost: true,
  session: { strategy: "jwt", maxAge: 7 * 24 * 60 * 60 },
  pages: { signIn: "/signin" },
  logger: {
    error(error) {
      // `type`, not `name`: class names are minified in the production build.
      if (!clientCausedErrors.has((error as Error & { type?: string }).type ?? "")) console.error(error);
    },
  },
  events: {
    // Signing out ends every session of the user on the server, not only this browser's cookie.
    async signOut(message) {
      const userId = "token" in message ? message.token?.sub : undefined;
      if (userId) await endAllSessions(userId);
    },
  },
  providers: [
    Credentials({
      credentials: { email: {}, password: {} },
      async authorize(raw, request) {
        const parsed = credentialsSchema.safeParse(raw);
        if (!parsed.success) return null;
        const { email, password } = parsed.data;
        const address = clientAddress(request.headers);
        if ((await signInRetryAfter(email, address)) > 0) throw new TooManyAttempts();
        const user = await db().user.findUnique({ where: { email } });
        const ok = await verifyPassword(password, user?.passwordHash ?? (await unknownUserHash()));
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
    /** Returning null ends the session (next-auth clears the cookie). */
    async jwt({ token, user }) {
      if (user?.id) token.sub = user.id;
      if (!token.sub) return null;
      const version = await currentSessionVersion(token.sub);
      if (version === null) return null;
      // At sign-in the token takes the current version; afterwards it must still be current.
      if (user?.id) token.sessionVersion = version;
      return token.sessionVersion === version ? token : null;
    },
    session({ session, token }) {
      if (token.sub) session.user.id = token.sub;
      return session;
    },
  },
});

/** Ends every session of a user: cookies issued before this call are refused from now on. */
export async function endAllSessions(userId: string): Promise<void> {
  await db().user.updateMany({ where: { id: userId }, data: { sessionVersion: { increment: 1 } } });
}
