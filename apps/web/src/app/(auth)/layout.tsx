import { redirect } from "next/navigation";
import type { ReactNode } from "react";

import { getSession } from "~/auth";
import { AuthShell } from "~/components/auth/auth-shell";

export default async function AuthLayout({ children }: { children: ReactNode }) {
  if (await getSession()) redirect("/chats");
  return <AuthShell>{children}</AuthShell>;
}
