"use client";

import { useState } from "react";

import { Spinner } from "~/components/ui/spinner";
import { toApiProblem } from "~/lib/api-error";

import { useChatEngine } from "./chat-engine";

/** In place of the composer while the person is blocked. */
export function BlockedBar({ peerId, peerName }: { peerId: number; peerName: string }) {
  const engine = useChatEngine();
  const [isPending, setIsPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function unblock() {
    setIsPending(true);
    setError(null);
    try {
      await engine.setBlocked(peerId, false);
    } catch (cause) {
      setError(toApiProblem(cause).message);
      setIsPending(false);
    }
  }

  return (
    <footer className="shrink-0 bg-panel-muted px-4 py-3 text-center text-sm text-ink-muted">
      <p role="status">
        You blocked {peerName}.{" "}
        <button
          type="button"
          onClick={() => void unblock()}
          disabled={isPending}
          className="inline-flex cursor-pointer items-center gap-1.5 font-medium text-accent-strong hover:underline disabled:opacity-60"
        >
          {isPending && <Spinner className="size-3.5" />}
          Unblock
        </button>
      </p>
      {error && (
        <p role="alert" className="mt-1 text-danger">
          {error}
        </p>
      )}
    </footer>
  );
}
