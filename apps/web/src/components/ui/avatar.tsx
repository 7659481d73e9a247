import { initials } from "~/lib/initials";

import { cx } from "./cx";

// A stable colour per person, so avatars are told apart at a glance.
const palette = [
  "bg-[#25a18e]",
  "bg-[#3b82c4]",
  "bg-[#9b5de5]",
  "bg-[#e76f51]",
  "bg-[#2a9d8f]",
  "bg-[#c2410c]",
  "bg-[#0e7490]",
  "bg-[#be185d]",
];

function colourFor(seed: string): string {
  let hash = 0;
  for (const char of seed) hash = (hash * 31 + char.charCodeAt(0)) | 0;
  return palette[Math.abs(hash) % palette.length] ?? "bg-accent";
}

export function Avatar({
  name,
  seed,
  className,
}: {
  name: string | null | undefined;
  seed: string;
  className?: string;
}) {
  return (
    <span
      aria-hidden="true"
      className={cx(
        "inline-flex size-10 shrink-0 select-none items-center justify-center rounded-full text-sm font-semibold text-white",
        colourFor(seed),
        className,
      )}
    >
      {initials(name, seed)}
    </span>
  );
}
