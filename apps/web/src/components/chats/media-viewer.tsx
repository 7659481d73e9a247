"use client";

import { useEffect, useRef } from "react";
import { createPortal } from "react-dom";

import type { MediaOutput } from "@parley/sdk";

import { CloseIcon, DownloadIcon } from "~/components/ui/icons";
import { Spinner } from "~/components/ui/spinner";
import { displayText } from "~/lib/display-text";

import { useChatEngine } from "./chat-engine";
import { useMediaUrl } from "./use-media-url";

type MediaViewerProps = {
  media: MediaOutput;
  caption: string | null;
  onClose: () => void;
};

/** A photo or video full screen, on a modal <dialog>: Escape, the close button or a click beside it close it. */
export function MediaViewer({ media, caption, onClose }: MediaViewerProps) {
  const engine = useChatEngine();
  const local = engine.localPreview(media.id);
  const original = useMediaUrl(media.id, "original", { isEnabled: local === null });
  const src = local ?? original.url;
  const ref = useRef<HTMLDialogElement>(null);
  const isVideo = media.kind === "video";
  const label = isVideo ? "Video" : "Photo";

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);

  return createPortal(
    <dialog
      ref={ref}
      aria-label={label}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
      // The viewer is a child of its bubble in React's tree: a right-click here isn't one on the message.
      onContextMenu={(event) => event.stopPropagation()}
      className="fixed inset-0 m-0 h-dvh max-h-none w-screen max-w-none animate-fade-in bg-black/90 p-0 text-white backdrop:bg-black/70"
    >
      {/* A click beside the media closes the viewer, for the mouse; Escape and Close do the same for
          everyone else, so the catcher is hidden from assistive technology. The layout over it lets
          clicks through its blank space: only the header, the media and the caption take them. */}
      <div aria-hidden="true" onClick={onClose} className="fixed inset-0" />
      <div className="pointer-events-none relative flex h-full flex-col">
        <header className="pointer-events-auto flex shrink-0 items-center justify-end gap-1 p-2 md:p-3">
          {src && (
            <a
              href={src}
              download={displayText(media.file_name ?? "")}
              target="_blank"
              rel="noopener noreferrer"
              aria-label={`Download ${label.toLowerCase()}`}
              title="Download"
              className="inline-flex size-10 items-center justify-center rounded-full text-white/85 hover:bg-white/10 hover:text-white"
            >
              <DownloadIcon className="size-5" />
            </a>
          )}
          <button
            type="button"
            onClick={onClose}
            aria-label="Close"
            title="Close"
            autoFocus
            className="inline-flex size-10 cursor-pointer items-center justify-center rounded-full text-white/85 hover:bg-white/10 hover:text-white"
          >
            <CloseIcon className="size-6" />
          </button>
        </header>
        <div className="flex min-h-0 flex-1 items-center justify-center px-2 pb-2 md:px-10">
          {original.isUnavailable ? (
            <p role="status" className="pointer-events-auto text-white/80">
              Media unavailable
            </p>
          ) : !src ? (
            <Spinner className="pointer-events-auto size-8 text-white/80" />
          ) : isVideo ? (
            <video
              src={src}
              controls
              autoPlay
              playsInline
              onError={original.onLoadError}
              className="pointer-events-auto max-h-full max-w-full rounded-sm bg-black"
            />
          ) : (
            <img
              src={src}
              alt={caption || "Photo"}
              onError={original.onLoadError}
              className="pointer-events-auto max-h-full max-w-full rounded-sm object-contain"
            />
          )}
        </div>
        {caption && (
          <p className="pointer-events-auto shrink-0 px-4 pb-5 text-center text-[15px] leading-5 break-words whitespace-pre-wrap text-white/90">
            {caption}
          </p>
        )}
      </div>
    </dialog>,
    document.body,
  );
}
