"use client";

import { useEffect, useRef, useState, type KeyboardEvent } from "react";

import { CAPTION_MAX_LENGTH } from "@parley/validators";

import { cx } from "~/components/ui/cx";
import { CloseIcon, DocumentIcon, SendIcon } from "~/components/ui/icons";
import { Name } from "~/components/ui/name";

import { AudioPlayer } from "./audio-player";
import { DocumentCard } from "./message-media";
import type { StagedFile } from "./use-attachments";

type SendMediaDialogProps = {
  files: StagedFile[];
  onRemove: (id: string) => void;
  onClose: () => void;
  onSend: (captions: Record<string, string>) => void;
};

function dialogTitle(files: StagedFile[]): string {
  const [first] = files;
  if (files.length !== 1 || !first) return `Send ${files.length} files`;
  return { image: "Send photo", video: "Send video", audio: "Send audio", document: "Send document" }[first.kind];
}

/** The step between picking files and sending them: a look at each, with a caption of its own. */
export function SendMediaDialog({ files, onRemove, onClose, onSend }: SendMediaDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const captionRef = useRef<HTMLTextAreaElement>(null);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [captions, setCaptions] = useState<Record<string, string>>({});
  const selected = files.find((file) => file.id === selectedId) ?? files[0];

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    captionRef.current?.focus();
    return () => dialog?.close();
  }, []);

  if (!selected) return null;
  const caption = captions[selected.id] ?? "";

  function send() {
    onSend(captions);
  }

  function handleKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      send();
    }
  }

  return (
    <dialog
      ref={ref}
      aria-label={dialogTitle(files)}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
      className="fixed inset-0 m-auto h-dvh max-h-none w-screen max-w-none md:h-[min(100dvh,720px)] md:w-[min(100vw,760px)] animate-fade-in overflow-hidden bg-panel-muted p-0 text-ink md:rounded-2xl md:shadow-[0_17px_50px_0_rgba(11,20,26,0.19)] backdrop:bg-black/50"
    >
      <div className="flex h-full flex-col">
        <header className="flex shrink-0 items-center gap-3 bg-panel px-3 py-2.5">
          <button
            type="button"
            onClick={onClose}
            aria-label="Discard"
            title="Discard"
            className="inline-flex size-10 cursor-pointer items-center justify-center rounded-full text-ink-muted hover:bg-panel-hover"
          >
            <CloseIcon className="size-6" />
          </button>
          <h2 className="min-w-0 flex-1 truncate text-[16px] font-medium">
            {selected.file.name ? <Name>{selected.file.name}</Name> : dialogTitle(files)}
          </h2>
        </header>

        <div className="flex min-h-0 flex-1 items-center justify-center p-4">
          {selected.kind === "image" && selected.previewUrl && (
            <img
              src={selected.previewUrl}
              alt={`Preview of ${selected.file.name || "the photo"}`}
              className="max-h-full max-w-full rounded-md object-contain shadow-sm"
            />
          )}
          {selected.kind === "video" && selected.previewUrl && (
            <video
              src={selected.previewUrl}
              controls
              playsInline
              aria-label={`Preview of ${selected.file.name || "the video"}`}
              className="max-h-full max-w-full rounded-md bg-black"
            />
          )}
          {selected.kind === "audio" && (
            <div className="w-[340px] max-w-full rounded-lg bg-panel p-3 shadow-sm">
              <AudioPlayer
                src={selected.previewUrl}
                durationSeconds={selected.durationSeconds}
                isVoiceNote={false}
                isMine={false}
                title={selected.file.name}
              />
            </div>
          )}
          {selected.kind === "document" && (
            <div className="w-[340px] max-w-full rounded-lg bg-panel p-3 shadow-sm">
              <DocumentCard
                fileName={selected.file.name || null}
                mimeType={selected.mimeType}
                size={selected.file.size}
                action={null}
              />
            </div>
          )}
        </div>

        <div className="shrink-0 px-4 pb-2 md:px-10">
          <textarea
            ref={captionRef}
            rows={1}
            value={caption}
            maxLength={CAPTION_MAX_LENGTH}
            onChange={(event) => setCaptions({ ...captions, [selected.id]: event.target.value })}
            onKeyDown={handleKeyDown}
            aria-label="Add a caption"
            placeholder="Add a caption"
            enterKeyHint="send"
            className="field-sizing-content max-h-28 min-h-10 w-full resize-none rounded-lg bg-field px-3 py-[9px] text-[15px] leading-[22px] text-ink outline-none placeholder:text-ink-faint"
          />
        </div>

        <footer className="flex shrink-0 items-center gap-3 border-t border-line bg-panel px-3 py-3 md:px-4">
          <ul aria-label="Files to send" className="flex min-w-0 flex-1 gap-2 overflow-x-auto p-0.5">
            {files.map((file) => (
              <li key={file.id} className="relative shrink-0">
                <button
                  type="button"
                  onClick={() => setSelectedId(file.id)}
                  aria-label={`Show ${file.file.name || file.kind}`}
                  aria-current={file.id === selected.id ? "true" : undefined}
                  className={cx(
                    "block size-14 cursor-pointer overflow-hidden rounded-md border-2 bg-panel-muted",
                    file.id === selected.id ? "border-accent" : "border-transparent",
                  )}
                >
                  {file.kind === "image" && file.previewUrl ? (
                    <img src={file.previewUrl} alt="" className="size-full object-cover" />
                  ) : file.kind === "video" && file.previewUrl ? (
                    <video src={file.previewUrl} preload="metadata" muted className="size-full object-cover" />
                  ) : (
                    <span className="flex size-full items-center justify-center text-ink-faint">
                      <DocumentIcon className="size-6" />
                    </span>
                  )}
                </button>
                {files.length > 1 && (
                  <button
                    type="button"
                    onClick={() => onRemove(file.id)}
                    aria-label={`Remove ${file.file.name || file.kind}`}
                    className="absolute -top-1.5 -right-1.5 inline-flex size-5 cursor-pointer items-center justify-center rounded-full bg-ink-muted text-panel"
                  >
                    <CloseIcon className="size-3" />
                  </button>
                )}
              </li>
            ))}
          </ul>
          <button
            type="button"
            onClick={send}
            aria-label={files.length === 1 ? "Send" : `Send ${files.length} files`}
            title="Send"
            className="relative inline-flex size-12 shrink-0 cursor-pointer items-center justify-center rounded-full bg-accent text-accent-ink shadow-sm hover:bg-accent-strong"
          >
            <SendIcon className="size-6" />
            {files.length > 1 && (
              <span
                aria-hidden="true"
                className="absolute -top-1 -right-1 inline-flex h-5 min-w-5 items-center justify-center rounded-full bg-panel px-1 text-[11px] font-semibold text-accent-strong shadow"
              >
                {files.length}
              </span>
            )}
          </button>
        </footer>
      </div>
    </dialog>
  );
}
