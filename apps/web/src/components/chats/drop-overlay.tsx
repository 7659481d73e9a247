import { PaperclipIcon } from "~/components/ui/icons";

/** Over the conversation while files are dragged onto it. Lets drag events through to the pane. */
export function DropOverlay() {
  return (
    <div
      data-testid="drop-overlay"
      className="pointer-events-none absolute inset-0 z-30 flex animate-fade-in items-center justify-center bg-panel/85 p-6"
    >
      <div className="flex size-full flex-col items-center justify-center gap-3 rounded-2xl border-2 border-dashed border-accent text-center text-ink-muted">
        <PaperclipIcon className="size-10 text-accent" />
        <p className="text-lg font-medium text-ink">Drop files here to send</p>
        <p className="text-sm">Photos, videos and documents up to 16 MB</p>
      </div>
    </div>
  );
}
