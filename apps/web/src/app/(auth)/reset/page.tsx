import type { Metadata } from "next";

import { ResetFlow } from "~/components/auth/reset-flow";
import { env } from "~/env";
import { phoneFromSearchParams, type SearchParams } from "~/lib/search-params";

export const metadata: Metadata = { title: "Reset your password" };

export default async function ResetPage({ searchParams }: { searchParams: SearchParams }) {
  return (
    <ResetFlow
      initialPhone={await phoneFromSearchParams(searchParams)}
      showConsoleHint={env.SMS_PROVIDER === "console"}
    />
  );
}
