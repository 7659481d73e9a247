"use client";

import { useMediaUrl } from "~/components/chats/use-media-url";
import { initials } from "~/lib/initials";

import { cx } from "./cx";

// A stable colour per person, so avatars are told apart at a glance.
const palette = [
  "bg-[#25a18e]",
  "bg-[#3b82c4]",
  "bg-[#9b5de5]",
  "bg-[#e76f51]",
  "bg-[#2a9d8f]",
  "bg-[#c2410c]",
  "bg-[#0e7490]",
  "bg-[#be185d]",
];

function colourFor(seed: string): string {
  let hash = 0;
  for (const char of seed) hash = (hash * 31 + char.charCodeAt(0)) | 0;
  return palette[Math.abs(hash) % palette.length] ?? "bg-accent";
}

/**
 * A person's or a group's picture, or their initials on a colour of their own while it loads,
 * when there is none, or when we may not see it.
 */
export function Avatar({
  name,
  seed,
  mediaId,
  className,
}: {
  name: string | null | undefined;
  seed: string;
  /** The picture's media id (`profile_picture_media_id`, `picture_media_id`), if there is one to show. */
  mediaId?: string | null;
  className?: string;
}) {
  return (
    <span
      aria-hidden="true"
      className={cx(
        "relative inline-flex size-10 shrink-0 select-none items-center justify-center overflow-hidden rounded-full text-sm font-semibold text-white",
        colourFor(seed),
        className,
      )}
    >
      {initials(name, seed)}
      {mediaId && <AvatarPicture key={mediaId} mediaId={mediaId} />}
    </span>
  );
}

function AvatarPicture({ mediaId }: { mediaId: string }) {
  // The thumbnail: a few kilobytes, and sharp enough at avatar sizes.
  const picture = useMediaUrl(mediaId, "thumbnail");
  if (!picture.url) return null;
  return (
    <img
      src={picture.url}
      alt=""
      data-testid="avatar-picture"
      onError={picture.onLoadError}
      className="absolute inset-0 size-full object-cover"
    />
  );
}
