"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { z } from "zod";

import { DEFAULT_ALLOWED_MEDIA_TYPES, MEDIA_MAX_BYTES, updateMeInput, type Me } from "@parley/validators";

import { SidePanel } from "~/components/chats/side-panel";
import { Alert } from "~/components/ui/alert";
import { Avatar } from "~/components/ui/avatar";
import { Button } from "~/components/ui/button";
import { CameraIcon, TrashIcon } from "~/components/ui/icons";

import { Spinner } from "~/components/ui/spinner";
import { TextField } from "~/components/ui/text-field";
import { toApiProblem } from "~/lib/api-error";
import { putFile, UploadError } from "~/lib/chat/upload";
import { formatPhoneNumber } from "~/lib/phone";
import { useTRPC, useTRPCClient } from "~/trpc/react";

/** WhatsApp's limit, and the server's (updateMeInput). */
const ABOUT_MAX_LENGTH = 139;

/** Your photo, name and about (what others see of you, as your privacy settings allow), and your number. */
export function ProfilePanel({ onClose }: { onClose: () => void }) {
  const trpc = useTRPC();
  const me = useQuery(trpc.user.me.queryOptions());

  return (
    <SidePanel title="Profile" onClose={onClose}>
      {me.data ? (
        <div className="space-y-2.5 pb-6">
          <ProfilePhoto me={me.data} />
          <ProfileForm key={me.data.id} me={me.data} />
          <div className="px-6 py-3">
            <p className="text-sm text-ink-faint">Phone number</p>
            <p className="mt-1 text-[16px] text-ink" aria-label="Your phone number">
              {formatPhoneNumber(me.data.phone_number)}
            </p>
          </div>
        </div>
      ) : me.isError ? (
        <Alert className="m-4">{toApiProblem(me.error).message}</Alert>
      ) : (
        <div className="flex justify-center py-6 text-ink-faint">
          <Spinner className="size-5" />
          <span className="sr-only">Loading your profile</span>
        </div>
      )}
    </SidePanel>
  );
}

function useSetMe() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return (me: Me) => queryClient.setQueryData(trpc.user.me.queryKey(), me);
}

const PHOTO_TYPES = DEFAULT_ALLOWED_MEDIA_TYPES.image;

function ProfilePhoto({ me }: { me: Me }) {
  const inputId = useId();
  const client = useTRPCClient();
  const setMe = useSetMe();
  const [progress, setProgress] = useState<number | null>(null);
  const [isRemoving, setIsRemoving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const upload = useRef<AbortController | null>(null);
  const name = me.full_name ?? formatPhoneNumber(me.phone_number);
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
        purpose: "profile_picture",
      });
      await putFile(ticket.upload.url, file, {
        headers: ticket.upload.headers,
        signal: controller.signal,
        onProgress: setProgress,
      });
      // The server checks the picture and makes its thumbnail here.
      setMe(await client.user.updateMe.mutate({ profile_picture_media_id: ticket.media_id }));
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
      setMe(await client.user.updateMe.mutate({ profile_picture_media_id: null }));
    } catch (cause) {
      setError(toApiProblem(cause).message);
    } finally {
      setIsRemoving(false);
    }
  }

  return (
    <div className="flex flex-col items-center bg-panel px-6 pt-7 pb-5">
      <div role="img" aria-label={me.profile_picture_media_id ? "Your profile photo" : "No profile photo"}>
        <Avatar name={name} seed={me.phone_number} mediaId={me.profile_picture_media_id} className="size-40 text-5xl" />
      </div>
      {progress !== null && (
        <div className="mt-4 w-48">
          <div
            role="progressbar"
            aria-label="Uploading photo"
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
          {me.profile_picture_media_id ? "Change photo" : "Add photo"}
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
        {me.profile_picture_media_id && (
          <button
            type="button"
            disabled={isBusy}
            onClick={() => void removePhoto()}
            className="inline-flex h-9 cursor-pointer items-center gap-2 rounded-full border border-field-line px-4 text-sm font-medium text-danger hover:bg-panel-hover disabled:cursor-not-allowed disabled:opacity-60"
          >
            {isRemoving ? <Spinner className="size-4" /> : <TrashIcon className="size-4" />}
            Remove photo
          </button>
        )}
      </div>
      {error && <Alert className="mt-4 w-full">{error}</Alert>}
    </div>
  );
}

function ProfileForm({ me }: { me: Me }) {
  const trpc = useTRPC();
  const setMe = useSetMe();
  const update = useMutation(trpc.user.updateMe.mutationOptions({ onSuccess: setMe }));
  const [name, setName] = useState(me.full_name ?? "");
  const [about, setAbout] = useState(me.status_message ?? "");
  const [fieldErrors, setFieldErrors] = useState<{ full_name?: string; status_message?: string }>({});
  const [isSaved, setIsSaved] = useState(false);

  const changes = {
    ...(name.trim() !== (me.full_name ?? "") ? { full_name: name } : {}),
    ...(about.trim() !== (me.status_message ?? "") ? { status_message: about.trim() || null } : {}),
  };
  const hasChanges = Object.keys(changes).length > 0;

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setIsSaved(false);
    if (!hasChanges) return;
    const parsed = updateMeInput.safeParse(changes);
    if (!parsed.success) {
      const errors = z.flattenError(parsed.error).fieldErrors;
      setFieldErrors({ full_name: errors.full_name?.[0], status_message: errors.status_message?.[0] });
      return;
    }
    setFieldErrors({});
    update.mutate(parsed.data, {
      onSuccess: () => setIsSaved(true),
      onError: (cause) => {
        const problem = toApiProblem(cause);
        setFieldErrors({
          full_name: problem.fieldErrors.full_name,
          status_message: problem.fieldErrors.status_message,
        });
      },
    });
  }

  return (
    <form onSubmit={handleSubmit} noValidate aria-label="Your name and about" className="space-y-4 bg-panel px-6 py-4">
      <TextField
        label="Your name"
        value={name}
        onChange={(event) => {
          setName(event.target.value);
          setIsSaved(false);
        }}
        maxLength={255}
        autoComplete="name"
        error={fieldErrors.full_name}
        hint="People who haven't saved you in their contacts see this name."
      />
      <TextField
        label="About"
        value={about}
        onChange={(event) => {
          setAbout(event.target.value);
          setIsSaved(false);
        }}
        maxLength={ABOUT_MAX_LENGTH}
        autoComplete="off"
        placeholder="Available"
        error={fieldErrors.status_message}
        hint={`${about.length}/${ABOUT_MAX_LENGTH}`}
      />
      {update.isError && !fieldErrors.full_name && !fieldErrors.status_message && (
        <Alert>{toApiProblem(update.error).message}</Alert>
      )}
      <div className="space-y-2">
        <Button type="submit" pending={update.isPending} disabled={!hasChanges}>
          Save
        </Button>
        {isSaved && !hasChanges && (
          <p role="status" className="text-center text-sm text-ink-muted">
            Saved
          </p>
        )}
      </div>
    </form>
  );
}
