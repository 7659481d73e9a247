"use client";

import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useCallback } from "react";

/**
 * Turns an API token (fresh from verifyOtp, login or resetPassword) into a
 * web session and opens the chats. Resolves false if next-auth refused it.
 */
export function useFinishSignIn() {
  const router = useRouter();
  return useCallback(
    async (token: string): Promise<boolean> => {
      const result = await signIn("credentials", { token, redirect: false }).catch(() => undefined);
      if (!result?.ok || result.error) return false;
      router.replace("/chats");
      return true;
    },
    [router],
  );
}
