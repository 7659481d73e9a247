import Link from "next/link";

import { LogoMark } from "~/components/ui/logo";

export default function NotFound() {
  return (
    <main className="flex min-h-dvh flex-col items-center justify-center gap-4 bg-panel-muted px-6 text-center">
      <LogoMark className="size-14 text-accent" />
      <h1 className="text-2xl font-light text-ink">This page doesn&apos;t exist</h1>
      <p className="text-sm text-ink-muted">The link may be broken, or the page may have moved.</p>
      <Link
        href="/"
        className="mt-2 rounded-full bg-accent px-6 py-2.5 text-sm font-medium text-accent-ink hover:bg-accent-strong"
      >
        Go to Parley
      </Link>
    </main>
  );
}
