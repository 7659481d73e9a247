import { TerminalIcon } from "~/components/ui/icons";

/** Development installs send no real SMS; say where the code went. */
export function ConsoleSmsHint() {
  return (
    <p className="flex items-start gap-2 rounded-lg border border-dashed border-field-line px-3 py-2.5 text-[13px] leading-5 text-ink-faint">
      <TerminalIcon className="mt-0.5 size-4 shrink-0" />
      <span>
        This Parley sends no real SMS: the code is printed in the terminal running Parley, in a line starting with{" "}
        <code className="font-mono text-[12px] text-ink-muted">SMS to</code>.
      </span>
    </p>
  );
}
