import type { MessageStatus } from "@parley/sdk";

import { cx } from "~/components/ui/cx";
import { AlertIcon, CheckDoubleIcon, CheckIcon, ClockIcon } from "~/components/ui/icons";

export type TickState = MessageStatus | "pending" | "failed";

const labels: Record<TickState, string> = {
  pending: "Sending",
  failed: "Not sent",
  sent: "Sent",
  delivered: "Delivered",
  read: "Read",
};

/** ✓ sent, ✓✓ delivered, blue ✓✓ read, a clock while on its way. Named for screen readers (and tests). */
export function MessageTicks({ state, className }: { state: TickState; className?: string }) {
  return (
    <span
      role="img"
      aria-label={labels[state]}
      title={labels[state]}
      data-status={state}
      className={cx("inline-flex shrink-0", className)}
    >
      {state === "pending" && <ClockIcon className="size-[15px]" strokeWidth={1.8} />}
      {state === "failed" && <AlertIcon className="size-[15px] text-danger" />}
      {state === "sent" && <CheckIcon className="h-[11px] w-[16px]" />}
      {state === "delivered" && <CheckDoubleIcon className="h-[11px] w-[16px]" />}
      {state === "read" && <CheckDoubleIcon className="h-[11px] w-[16px] text-tick-read" />}
    </span>
  );
}
