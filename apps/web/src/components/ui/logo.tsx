import { useId } from "react";

import { cx } from "./cx";

/** Parley's mark: a speech bubble with two lines of text cut out of it. */
export function LogoMark({ className }: { className?: string }) {
  // The lines are a mask, not a colour, so the mark works on any background.
  const maskId = useId();
  return (
    <svg viewBox="0 0 32 32" aria-hidden="true" className={cx("size-8", className)}>
      <mask id={maskId}>
        <rect width="32" height="32" fill="white" />
        <path stroke="black" strokeWidth="2.2" strokeLinecap="round" d="M10.5 12.5h11M10.5 17.5h7" />
      </mask>
      <path
        mask={`url(#${maskId})`}
        fill="currentColor"
        d="M16 3C8.8 3 3 8.3 3 14.9c0 3.6 1.7 6.8 4.5 9L6.3 28.4a.6.6 0 0 0 .8.7l5.3-2.2c1.1.3 2.3.4 3.6.4 7.2 0 13-5.3 13-11.9S23.2 3 16 3Z"
      />
    </svg>
  );
}

export function Logo({ className }: { className?: string }) {
  return (
    <span className={cx("inline-flex items-center gap-2", className)}>
      <LogoMark className="size-8" />
      <span className="text-[15px] font-semibold tracking-[0.18em] uppercase">Parley</span>
    </span>
  );
}
