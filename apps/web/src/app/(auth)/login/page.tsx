import type { Metadata } from "next";

import { LoginForm } from "~/components/auth/login-form";
import { phoneFromSearchParams, type SearchParams } from "~/lib/search-params";

export const metadata: Metadata = { title: "Log in" };

export default async function LoginPage({ searchParams }: { searchParams: SearchParams }) {
  return <LoginForm initialPhone={await phoneFromSearchParams(searchParams)} />;
}
