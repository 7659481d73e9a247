"use client";

import { QueryClientProvider } from "@tanstack/react-query";
import { createTRPCClient, httpBatchLink } from "@trpc/client";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import { useSession } from "next-auth/react";
import { useMemo, type ReactNode } from "react";

import type { AppRouter } from "@parley/api";

import { getQueryClient } from "./query-client";

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

function makeTrpcClient(apiToken: string | null) {
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: "/api/trpc",
        headers: () => (apiToken ? { authorization: `Bearer ${apiToken}` } : {}),
      }),
    ],
  });
}

/** tRPC + TanStack Query for client components, authenticated as the signed-in user if there is one. */
export function TRPCReactProvider({ children }: { children: ReactNode }) {
  const queryClient = getQueryClient();
  const { data: session } = useSession();
  const apiToken = session?.apiToken ?? null;
  // A new client when the token changes (sign-in, sign-out), so no request goes out with a stale one.
  const trpcClient = useMemo(() => makeTrpcClient(apiToken), [apiToken]);

  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
