import { displayText } from "~/lib/display-text";

/**
 * A name someone chose, shown in a line of ours: isolated (<bdi>), so a right-to-left name
 * doesn't reorder what stands beside it, and without bidi controls (`displayText`).
 */
export function Name({ children, className }: { children: string; className?: string }) {
  return <bdi className={className}>{displayText(children)}</bdi>;
}
