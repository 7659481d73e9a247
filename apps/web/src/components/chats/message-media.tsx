"use client";

import { useState, type ReactNode } from "react";

import type { LocationOutput, MediaOutput } from "@parley/sdk";

import { cx } from "~/components/ui/cx";
import { AlertIcon, CloseIcon, DocumentIcon, DownloadIcon, PhotoIcon, PinIcon, PlayIcon } from "~/components/ui/icons";
import { Name } from "~/components/ui/name";
import { Spinner } from "~/components/ui/spinner";
import { fileTypeLabel, formatCoordinates, formatDuration, formatFileSize, mapUrl, mediaBox } from "~/lib/chat/media";
import type { OutgoingMedia } from "~/lib/chat/state";
import { displayText } from "~/lib/display-text";

import { AudioPlayer } from "./audio-player";
import { useChatEngine } from "./chat-engine";
import { MediaViewer } from "./media-viewer";
import { startDownload, useMediaUrl } from "./use-media-url";

/** A photo or a video shows in a box of its own shape; its caption wraps at the same width. */
export function mediaWidth(media: Pick<MediaOutput, "kind" | "width" | "height"> | null): number | null {
  if (!media || (media.kind !== "image" && media.kind !== "video")) return null;
  return mediaBox(media.width, media.height).width;
}

/** A sent message's file (or place), as the bubble shows it. */
export function MessageMedia({
  media,
  location,
  caption,
  isMine,
}: {
  media: MediaOutput | null;
  location: LocationOutput | null;
  caption: string | null;
  isMine: boolean;
}) {
  if (location) return <LocationCard location={location} />;
  if (!media) return null;
  switch (media.kind) {
    case "image":
    case "video":
      return <VisualMedia media={media} caption={caption} />;
    case "audio":
      return <AudioMedia media={media} isMine={isMine} />;
    case "document":
      return <DocumentMedia media={media} />;
  }
}

function MediaUnavailable({ className }: { className?: string }) {
  return (
    <span className={cx("flex items-center gap-1.5 text-[13px] text-bubble-meta italic", className)}>
      <AlertIcon className="size-4 shrink-0" />
      Media unavailable
    </span>
  );
}

function VisualMedia({ media, caption }: { media: MediaOutput; caption: string | null }) {
  const engine = useChatEngine();
  const [isViewing, setIsViewing] = useState(false);
  const local = engine.localPreview(media.id);
  const isVideo = media.kind === "video";
  // A video without a thumbnail shows its own first frame (metadata only, nothing plays).
  const variant = media.has_thumbnail ? "thumbnail" : "original";
  const preview = useMediaUrl(media.id, variant, { isEnabled: local === null });
  const box = mediaBox(media.width, media.height);
  const src = local ?? preview.url;
  const showsVideoFrame = isVideo && (local !== null || !media.has_thumbnail);

  return (
    <>
      <button
        type="button"
        aria-label={isVideo ? "Play video" : "Open photo"}
        disabled={preview.isUnavailable}
        onClick={() => setIsViewing(true)}
        style={{ width: box.width, aspectRatio: `${box.width} / ${box.height}` }}
        className="relative mb-1 block max-w-full cursor-pointer overflow-hidden rounded-md bg-black/10 disabled:cursor-default dark:bg-white/5"
      >
        {preview.isUnavailable ? (
          <MediaUnavailable className="absolute inset-0 justify-center" />
        ) : !src ? (
          <span className="absolute inset-0 flex items-center justify-center text-ink-faint">
            {preview.isFailed ? <AlertIcon className="size-6" /> : <Spinner className="size-6" />}
          </span>
        ) : showsVideoFrame ? (
          <video
            src={src}
            preload="metadata"
            muted
            playsInline
            onError={local ? undefined : preview.onLoadError}
            className="size-full object-cover"
          />
        ) : (
          <img
            src={src}
            alt=""
            data-testid="media-thumbnail"
            onError={local ? undefined : preview.onLoadError}
            className="size-full object-cover"
          />
        )}
        {isVideo && !preview.isUnavailable && (
          <>
            <span className="absolute inset-0 flex items-center justify-center">
              <span className="inline-flex size-12 items-center justify-center rounded-full bg-black/50 text-white">
                <PlayIcon className="ml-0.5 size-6" />
              </span>
            </span>
            {media.duration_seconds !== null && (
              <span className="absolute bottom-1.5 left-2 text-[11px] font-medium text-white drop-shadow">
                {formatDuration(media.duration_seconds)}
              </span>
            )}
          </>
        )}
      </button>
      {isViewing && <MediaViewer media={media} caption={caption} onClose={() => setIsViewing(false)} />}
    </>
  );
}

function AudioMedia({ media, isMine }: { media: MediaOutput; isMine: boolean }) {
  const engine = useChatEngine();
  const local = engine.localPreview(media.id);
  const audio = useMediaUrl(media.id, "original", { isEnabled: local === null });
  if (audio.isUnavailable) return <MediaUnavailable className="py-2 pr-16" />;
  return (
    <AudioPlayer
      src={local ?? audio.url}
      durationSeconds={media.duration_seconds}
      isVoiceNote={media.is_voice_note}
      isMine={isMine}
      title={media.is_voice_note ? null : media.file_name}
      onLoadError={local ? undefined : audio.onLoadError}
    />
  );
}

/** The card of a document: its type, name and size, and what to do with it (download, cancel). */
export function DocumentCard({
  fileName,
  mimeType,
  size,
  action,
}: {
  fileName: string | null;
  mimeType: string;
  size: number;
  action: ReactNode;
}) {
  const type = fileTypeLabel(mimeType, fileName);
  const name = displayText(fileName ?? "Document");
  return (
    <div
      data-testid="document-card"
      className="mb-1 flex w-[300px] max-w-full items-center gap-3 rounded-md bg-black/5 p-2.5 dark:bg-white/5"
    >
      <span className="relative inline-flex shrink-0 text-[#5f66cd]" aria-hidden="true">
        <DocumentIcon className="size-10" strokeWidth={1.4} />
        <span className="absolute bottom-1.5 left-1/2 -translate-x-1/2 rounded-sm bg-[#5f66cd] px-0.5 text-[8px] leading-[11px] font-bold text-white">
          {type.slice(0, 4)}
        </span>
      </span>
      <span className="min-w-0 flex-1">
        <span className="block truncate text-[14.2px] leading-5 text-ink" title={name} data-testid="document-name">
          <Name>{name}</Name>
        </span>
        <span className="block text-xs leading-4 text-bubble-meta" data-testid="document-meta">
          {formatFileSize(size)} · {type}
        </span>
      </span>
      {action}
    </div>
  );
}

function DocumentMedia({ media }: { media: MediaOutput }) {
  const link = useMediaUrl(media.id, "original");
  const name = displayText(media.file_name ?? "Document");
  return (
    <DocumentCard
      fileName={media.file_name}
      mimeType={media.mime_type}
      size={media.size}
      action={
        link.isUnavailable ? (
          <MediaUnavailable />
        ) : (
          <a
            href={link.url ?? undefined}
            download={name}
            aria-label={`Download ${name}`}
            title="Download"
            aria-disabled={!link.url}
            onClick={(event) => {
              // Signed links expire after a few minutes: a card left open gets a new one on click.
              event.preventDefault();
              void link.freshUrl().then((url) => {
                if (url) startDownload(url, media.file_name);
              });
            }}
            className="inline-flex size-9 shrink-0 cursor-pointer items-center justify-center rounded-full border border-field-line text-ink-muted hover:bg-panel-hover hover:text-ink aria-disabled:opacity-50"
          >
            <DownloadIcon className="size-5" />
          </a>
        )
      }
    />
  );
}

export function LocationCard({ location }: { location: LocationOutput }) {
  const { latitude, longitude, name } = location;
  const href = mapUrl(latitude, longitude);
  return (
    <div data-testid="location-card" className="mb-1 w-[280px] max-w-full">
      {/* A drawn map, not tiles: nothing is fetched from a map service until the reader asks. */}
      <a
        href={href}
        target="_blank"
        rel="noopener noreferrer"
        tabIndex={-1}
        aria-hidden="true"
        className="relative block h-[130px] overflow-hidden rounded-md bg-[#e8efe2] bg-[linear-gradient(90deg,rgba(255,255,255,0.9)_2px,transparent_2px),linear-gradient(rgba(255,255,255,0.9)_2px,transparent_2px),linear-gradient(35deg,transparent_46%,rgba(255,214,102,0.9)_46%,rgba(255,214,102,0.9)_54%,transparent_54%)] bg-[size:38px_38px,38px_38px,100%_100%] dark:bg-[#2b3a33]"
      >
        <PinIcon className="absolute top-1/2 left-1/2 size-9 -translate-x-1/2 -translate-y-full fill-[#e53935] text-[#b71c1c]" />
      </a>
      <div className="px-0.5 pt-1.5">
        {name && (
          <p className="truncate text-[14.2px] leading-5 font-medium text-ink">
            <Name>{name}</Name>
          </p>
        )}
        <p className="text-[13px] leading-[18px] text-bubble-meta tabular-nums" data-testid="location-coordinates">
          {formatCoordinates(latitude, longitude)}
        </p>
        <a
          href={href}
          target="_blank"
          rel="noopener noreferrer"
          className="text-[13px] leading-5 font-medium text-accent-strong hover:underline"
        >
          Open in map
        </a>
      </div>
    </div>
  );
}

/** A file still on its way: the local copy, how much is uploaded, and a way to stop it. */
export function OutgoingMediaContent({
  media,
  isActive,
  onCancel,
}: {
  media: OutgoingMedia;
  /** Uploading or being checked (not yet failed, not yet sending the message itself). */
  isActive: boolean;
  onCancel: () => void;
}) {
  const [isUnreadable, setIsUnreadable] = useState(false);
  const name = displayText(media.file_name ?? (media.is_voice_note ? "voice message" : "file"));
  const status = isActive && media.stage && (
    <UploadProgress
      name={name}
      stage={media.stage}
      progress={media.progress}
      onCancel={onCancel}
      isOverlay={media.kind === "image" || media.kind === "video"}
    />
  );
  if (media.kind === "image" || media.kind === "video") {
    const box = mediaBox(media.width, media.height);
    return (
      <div
        style={{ width: box.width, aspectRatio: `${box.width} / ${box.height}` }}
        className="relative mb-1 max-w-full overflow-hidden rounded-md bg-black/10"
      >
        {/* A file the browser can't show (not really a picture, say) waits for the server's verdict as an icon. */}
        {isUnreadable || !media.preview_url ? (
          <span className="absolute inset-0 flex items-center justify-center text-ink-faint">
            <PhotoIcon className="size-10" />
          </span>
        ) : media.kind === "video" ? (
          <video
            src={media.preview_url}
            preload="metadata"
            muted
            playsInline
            onError={() => setIsUnreadable(true)}
            className="size-full object-cover"
          />
        ) : (
          <img
            src={media.preview_url}
            alt=""
            onError={() => setIsUnreadable(true)}
            className="size-full object-cover"
          />
        )}
        {status}
      </div>
    );
  }
  if (media.kind === "audio") {
    return (
      <div className="mb-1">
        <AudioPlayer
          src={media.preview_url}
          durationSeconds={media.duration_seconds}
          isVoiceNote={media.is_voice_note}
          isMine
          title={media.is_voice_note ? null : media.file_name}
        />
        {status}
      </div>
    );
  }
  return (
    <div className="mb-1">
      <DocumentCard fileName={media.file_name} mimeType={media.mime_type} size={media.size} action={null} />
      {status}
    </div>
  );
}

function UploadProgress({
  name,
  stage,
  progress,
  onCancel,
  isOverlay,
}: {
  name: string;
  stage: "uploading" | "checking";
  progress: number;
  onCancel: () => void;
  isOverlay: boolean;
}) {
  const percent = Math.round(progress * 100);
  return (
    <div
      className={cx(
        "flex items-center gap-2",
        isOverlay ? "absolute inset-x-0 bottom-0 bg-linear-to-t from-black/60 to-transparent px-2.5 pt-6 pb-2" : "pt-1",
      )}
    >
      <div
        role="progressbar"
        aria-label={`Uploading ${name}`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={stage === "checking" ? "Processing" : `${percent}%`}
        className={cx("h-1.5 flex-1 overflow-hidden rounded-full", isOverlay ? "bg-white/35" : "bg-black/10")}
      >
        <div
          className={cx(
            "h-full rounded-full transition-[width] duration-200",
            isOverlay ? "bg-white" : "bg-accent",
            stage === "checking" && "animate-pulse",
          )}
          style={{ width: `${percent}%` }}
        />
      </div>
      <button
        type="button"
        onClick={onCancel}
        aria-label={`Cancel upload of ${name}`}
        title="Cancel"
        className={cx(
          "inline-flex size-7 shrink-0 cursor-pointer items-center justify-center rounded-full",
          isOverlay ? "bg-black/50 text-white hover:bg-black/70" : "text-ink-muted hover:bg-black/10",
        )}
      >
        <CloseIcon className="size-4" />
      </button>
    </div>
  );
}
