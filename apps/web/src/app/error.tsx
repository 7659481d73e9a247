"use client";

import { LogoMark } from "~/components/ui/logo";

/** Last line of defence for a render error: say so plainly and offer a retry. */
export default function ErrorPage({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <main className="flex min-h-dvh flex-col items-center justify-center gap-4 bg-panel-muted px-6 text-center">
      <LogoMark className="size-14 text-accent" />
      <h1 className="text-2xl font-light text-ink">Something went wrong</h1>
      <p className="text-sm text-ink-muted">Parley hit a problem showing this page. Trying again usually helps.</p>
      <button
        type="button"
        onClick={reset}
        className="mt-2 cursor-pointer rounded-full bg-accent px-6 py-2.5 text-sm font-medium text-accent-ink hover:bg-accent-strong"
      >
        Try again
      </button>
    </main>
  );
}
