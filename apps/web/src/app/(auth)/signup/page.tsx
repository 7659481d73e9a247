import type { Metadata } from "next";

import { SignupFlow } from "~/components/auth/signup-flow";
import { env } from "~/env";

export const metadata: Metadata = { title: "Create your account" };

export default function SignupPage() {
  return <SignupFlow showConsoleHint={env.SMS_PROVIDER === "console"} />;
}
