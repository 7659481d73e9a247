import NextAuth, { type User } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { z } from "zod";

import { env } from "~/env";
import { AUTH_BASE_PATH } from "~/lib/auth-base-path";
import { fetchMe, revokeApiToken } from "~/lib/parley-api";

import "./types";

// How long a successful check of the API token is trusted before asking again.
const RECHECK_AFTER_MS = 60_000;

const credentialsInput = z.object({ token: z.string().min(1).max(4096) });

/** What the encrypted session cookie carries besides next-auth's own claims. */
const parleyClaims = z.object({
  userId: z.string(),
  phoneNumber: z.string(),
  fullName: z.string().nullable(),
  apiToken: z.string(),
  checkedAt: z.number(),
});

export const { handlers, auth, signIn, signOut } = NextAuth({
  basePath: AUTH_BASE_PATH,
  secret: env.AUTH_SECRET,
  trustHost: true,
  session: { strategy: "jwt" },
  pages: { signIn: "/login", error: "/login" },
  providers: [
    Credentials({
      // The browser has just proved itself to the API (code or password);
      // all it hands over is the API token it got, which we check here.
      credentials: { token: {} },
      authorize: async (credentials): Promise<User | null> => {
        const input = credentialsInput.safeParse(credentials);
        if (!input.success) return null;
        const result = await fetchMe(input.data.token);
        if (result.status !== "ok") return null;
        const { me } = result;
        return {
          id: String(me.id),
          name: me.full_name,
          phone_number: me.phone_number,
          full_name: me.full_name,
          apiToken: input.data.token,
        };
      },
    }),
  ],
  callbacks: {
    jwt: async ({ token, user }) => {
      if (user?.id && user.apiToken && user.phone_number) {
        return {
          ...token,
          userId: user.id,
          phoneNumber: user.phone_number,
          fullName: user.full_name ?? null,
          apiToken: user.apiToken,
          checkedAt: Date.now(),
        };
      }
      const claims = parleyClaims.safeParse(token);
      if (!claims.success) return null;
      if (Date.now() - claims.data.checkedAt < RECHECK_AFTER_MS) return token;

      const result = await fetchMe(claims.data.apiToken);
      // Revoked elsewhere (logout on all devices, password reset): end this web session too.
      if (result.status === "unauthorized") return null;
      // The API being briefly unreachable is no reason to sign anyone out.
      if (result.status === "unavailable") return token;
      return {
        ...token,
        name: result.me.full_name,
        phoneNumber: result.me.phone_number,
        fullName: result.me.full_name,
        checkedAt: Date.now(),
      };
    },
    session: ({ session, token }) => {
      const claims = parleyClaims.safeParse(token);
      if (!claims.success) return session;
      const { userId, phoneNumber, fullName, apiToken } = claims.data;
      return {
        ...session,
        user: { id: userId, name: fullName, phone_number: phoneNumber, full_name: fullName },
        apiToken,
      };
    },
  },
  events: {
    signOut: async (message) => {
      const token = "token" in message ? message.token : null;
      const claims = parleyClaims.safeParse(token);
      if (claims.success) await revokeApiToken(claims.data.apiToken);
    },
  },
});
