"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { z } from "zod";

import { updateMeInput, type Me } from "@parley/validators";

import { SidePanel } from "~/components/chats/side-panel";
import { PictureEditor } from "~/components/chats/picture-editor";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";

import { Spinner } from "~/components/ui/spinner";
import { TextField } from "~/components/ui/text-field";
import { toApiProblem } from "~/lib/api-error";
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

function ProfilePhoto({ me }: { me: Me }) {
  const client = useTRPCClient();
  const setMe = useSetMe();
  return (
    <PictureEditor
      name={me.full_name ?? formatPhoneNumber(me.phone_number)}
      seed={me.phone_number}
      mediaId={me.profile_picture_media_id}
      purpose="profile_picture"
      label="profile photo"
      className="bg-panel px-6 pt-7 pb-5"
      onSave={async (mediaId) => {
        setMe(await client.user.updateMe.mutate({ profile_picture_media_id: mediaId }));
      }}
    />
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
