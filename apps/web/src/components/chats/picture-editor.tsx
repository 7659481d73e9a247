"use client";

import { useEffect, useId, useRef, useState } from "react";

import { putUpload, UploadError } from "@parley/sdk";
import { DEFAULT_ALLOWED_MEDIA_TYPES, MEDIA_MAX_BYTES } from "@parley/validators";

import { Alert } from "~/components/ui/alert";
import { Avatar } from "~/components/ui/avatar";
import { cx } from "~/components/ui/cx";
import { CameraIcon, TrashIcon } from "~/components/ui/icons";
import { Spinner } from "~/components/ui/spinner";
import { toApiProblem } from "~/lib/api-error";
import { useTRPCClient } from "~/trpc/react";

const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

const PHOTO_TYPES = DEFAULT_ALLOWED_MEDIA_TYPES.image;

/**
 * A profile or group picture with Change and Remove: the file goes through the media pipeline
 * (an upload ticket for this purpose, the PUT with progress, then `onSave` with the media id,
 * which is where the server checks it), or `onSave(null)` removes it.
 */
export function PictureEditor({
  name,
  seed,
  mediaId,
  purpose,
  label,
  onSave,
  className,
  avatarClassName = "size-40 text-5xl",
}: {
  name: string;
  seed: string;
  mediaId: string | null;
  purpose: "profile_picture" | "group_picture";
  /** "profile photo", "group picture": for the buttons and the picture's accessible name. */
  label: string;
  onSave: (mediaId: string | null) => Promise<void>;
  className?: string;
  avatarClassName?: string;
}) {
  const inputId = useId();
  const client = useTRPCClient();
  const [progress, setProgress] = useState<number | null>(null);
  const [isRemoving, setIsRemoving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const upload = useRef<AbortController | null>(null);
  const isBusy = progress !== null || isRemoving;

  // Leaving the panel mid-upload stops it.
  useEffect(() => () => upload.current?.abort(), []);

  async function uploadPhoto(file: File) {
    setError(null);
    if (!PHOTO_TYPES.includes(file.type)) {
      setError("Choose a JPEG, PNG, WebP or GIF picture.");
      return;
    }
    if (file.size > MEDIA_MAX_BYTES) {
      setError(`Choose a picture of at most ${MEDIA_MAX_BYTES / 1024 / 1024} MB.`);
      return;
    }
    const controller = new AbortController();
    upload.current = controller;
    setProgress(0);
    try {
      const ticket = await client.media.createUpload.mutate({
        kind: "image",
        mime_type: file.type,
        size: file.size,
        file_name: file.name,
        purpose,
      });
      await putUpload(ticket.upload, file, {
        signal: controller.signal,
        onProgress: ({ loaded, total }) => setProgress(total > 0 ? loaded / total : 0),
      });
      // The server checks the picture and makes its thumbnail here.
      await onSave(ticket.media_id);
    } catch (cause) {
      if (controller.signal.aborted) return;
      setError(cause instanceof UploadError ? cause.message : toApiProblem(cause).message);
    } finally {
      if (upload.current === controller) upload.current = null;
      setProgress(null);
    }
  }

  async function removePhoto() {
    setError(null);
    setIsRemoving(true);
    try {
      await onSave(null);
    } catch (cause) {
      setError(toApiProblem(cause).message);
    } finally {
      setIsRemoving(false);
    }
  }

  return (
    <div className={cx("flex flex-col items-center", className)}>
      <div role="img" aria-label={mediaId ? capitalized(label) : `No ${label}`}>
        <Avatar name={name} seed={seed} mediaId={mediaId} className={avatarClassName} />
      </div>
      {progress !== null && (
        <div className="mt-4 w-48">
          <div
            role="progressbar"
            aria-label={`Uploading ${label}`}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={Math.round(progress * 100)}
            className="h-1.5 overflow-hidden rounded-full bg-panel-muted"
          >
            <div className="h-full bg-accent transition-[width]" style={{ width: `${Math.round(progress * 100)}%` }} />
          </div>
          <p className="mt-1 text-center text-xs text-ink-faint">
            {progress < 1 ? `Uploading… ${Math.round(progress * 100)}%` : "Checking the picture…"}
          </p>
        </div>
      )}
      <div className="mt-4 flex flex-wrap justify-center gap-2">
        <label
          htmlFor={inputId}
          className="inline-flex h-9 cursor-pointer items-center gap-2 rounded-full border border-field-line px-4 text-sm font-medium text-accent-strong hover:bg-panel-hover has-disabled:cursor-not-allowed has-disabled:opacity-60"
        >
          <CameraIcon className="size-4" />
          {mediaId ? `Change ${label}` : `Add ${label}`}
          <input
            id={inputId}
            type="file"
            accept={PHOTO_TYPES.join(",")}
            disabled={isBusy}
            onChange={(event) => {
              const file = event.target.files?.[0];
              // The same file may be picked again after a failure.
              event.target.value = "";
              if (file) void uploadPhoto(file);
            }}
            className="sr-only"
          />
        </label>
        {mediaId && (
          <button
            type="button"
            disabled={isBusy}
            onClick={() => void removePhoto()}
            className="inline-flex h-9 cursor-pointer items-center gap-2 rounded-full border border-field-line px-4 text-sm font-medium text-danger hover:bg-panel-hover disabled:cursor-not-allowed disabled:opacity-60"
          >
            {isRemoving ? <Spinner className="size-4" /> : <TrashIcon className="size-4" />}
            Remove {label}
          </button>
        )}
      </div>
      {error && <Alert className="mt-4 w-full">{error}</Alert>}
    </div>
  );
}
