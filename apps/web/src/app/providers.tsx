"use client";

import type { Session } from "next-auth";
import { SessionProvider } from "next-auth/react";
import type { ReactNode } from "react";

import { AUTH_BASE_PATH } from "~/lib/auth-base-path";
import { TRPCReactProvider } from "~/trpc/react";

// Re-reading the session now and then lets a token revoked elsewhere end this tab's session too.
const SESSION_REFETCH_SECONDS = 5 * 60;

export function Providers({ session, children }: { session: Session | null; children: ReactNode }) {
  return (
    <SessionProvider basePath={AUTH_BASE_PATH} session={session} refetchInterval={SESSION_REFETCH_SECONDS}>
      <TRPCReactProvider>{children}</TRPCReactProvider>
    </SessionProvider>
  );
}
