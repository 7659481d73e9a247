"use client";

import { signOut } from "next-auth/react";

let ending: Promise<void> | null = null;

/**
 * Ends the web session and loads the login page, once: a deliberate log out also turns the
 * session "unauthenticated" and closes the live stream, and each of those would sign out again
 * while the first is on its way, racing it for the CSRF token and the cookies.
 */
export function endWebSession(): Promise<void> {
  ending ??= signOut({ redirectTo: "/login" }).finally(() => {
    ending = null;
  });
  return ending;
}
