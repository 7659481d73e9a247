import type { ReactNode } from "react";

import { cx } from "./cx";
import { AlertIcon, InfoIcon } from "./icons";

type Tone = "error" | "info";

const tones: Record<Tone, string> = {
  error: "bg-danger-soft text-danger",
  info: "bg-info-soft text-info-ink",
};

/** Errors are announced (role="alert"); information is a polite status. */
export function Alert({
  tone = "error",
  children,
  className,
}: {
  tone?: Tone;
  children: ReactNode;
  className?: string;
}) {
  const Icon = tone === "error" ? AlertIcon : InfoIcon;
  return (
    <div
      role={tone === "error" ? "alert" : "status"}
      className={cx("flex animate-fade-in gap-2.5 rounded-lg px-3.5 py-3 text-sm leading-5", tones[tone], className)}
    >
      <Icon className="mt-px size-4 shrink-0" />
      <div className="min-w-0 flex-1">{children}</div>
    </div>
  );
}
