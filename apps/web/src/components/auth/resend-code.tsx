"use client";

import { useState } from "react";

import { Button } from "~/components/ui/button";
import { toApiProblem } from "~/lib/api-error";
import { formatDuration, useCountdown } from "~/lib/use-countdown";

// Long enough for a slow SMS to arrive before anyone asks for another.
const RESEND_AFTER_SECONDS = 30;

type Notice = { tone: "ok" | "error"; text: string } | null;

export function ResendCode({ resend, onResent }: { resend: () => Promise<unknown>; onResent: () => void }) {
  const { secondsLeft, restart } = useCountdown(RESEND_AFTER_SECONDS);
  const [isPending, setIsPending] = useState(false);
  const [notice, setNotice] = useState<Notice>(null);

  async function handleResend() {
    setIsPending(true);
    setNotice(null);
    try {
      await resend();
      restart(RESEND_AFTER_SECONDS);
      setNotice({ tone: "ok", text: "We sent you a new code." });
      onResent();
    } catch (error) {
      const problem = toApiProblem(error);
      if (problem.retryAfterSeconds) restart(problem.retryAfterSeconds);
      setNotice({ tone: "error", text: problem.message });
    } finally {
      setIsPending(false);
    }
  }

  return (
    <div className="space-y-1.5 text-sm">
      <p className="flex flex-wrap items-center gap-x-1.5 text-ink-muted">
        <span>Didn&apos;t get a code?</span>
        <Button variant="link" onClick={() => void handleResend()} disabled={secondsLeft > 0} pending={isPending}>
          Resend code
        </Button>
        {secondsLeft > 0 && <span className="text-ink-faint tabular-nums">in {formatDuration(secondsLeft)}</span>}
      </p>
      <p
        role={notice?.tone === "error" ? "alert" : "status"}
        className={notice?.tone === "error" ? "text-danger" : "text-accent-strong"}
      >
        {notice?.text}
      </p>
    </div>
  );
}
