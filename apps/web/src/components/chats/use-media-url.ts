"use client";

import { useQuery } from "@tanstack/react-query";
import { useCallback, useState } from "react";

import { toApiProblem } from "~/lib/api-error";
import { displayText } from "~/lib/display-text";
import { useTRPC } from "~/trpc/react";

// Signed URLs live about five minutes: a new one is fetched this long before that.
const EXPIRY_MARGIN_MS = 30_000;
// An <img> that fails with a fresh URL is broken, not expired: stop asking after this many.
const MAX_REFRESHES = 2;

export type MediaVariant = "original" | "thumbnail";

/**
 * A short-lived URL for a message's file, shared by every bubble showing it.
 * It is only fetched again when stale on mount or when the element using it
 * fails (expired): a new URL for a photo on screen would download it again.
 */
export function useMediaUrl(mediaId: string, variant: MediaVariant, options: { isEnabled?: boolean } = {}) {
  const trpc = useTRPC();
  const [refreshes, setRefreshes] = useState(0);
  const query = useQuery({
    ...trpc.media.url.queryOptions({ media_id: mediaId, variant }),
    enabled: options.isEnabled ?? true,
    staleTime: (current) => {
      const expiresAt = current.state.data?.expires_at;
      return expiresAt ? Math.max(0, Date.parse(expiresAt) - Date.now() - EXPIRY_MARGIN_MS) : 0;
    },
    refetchOnWindowFocus: false,
    refetchOnReconnect: false,
  });
  const { refetch } = query;
  const code = query.error ? toApiProblem(query.error).code : null;
  const isBroken = refreshes >= MAX_REFRESHES;

  /** For an element's error event: the URL probably expired, so get a new one (a couple of times at most). */
  const onLoadError = useCallback(() => {
    if (refreshes < MAX_REFRESHES) void refetch();
    setRefreshes(refreshes + 1);
  }, [refreshes, refetch]);

  /** A URL that still works for a few seconds, for a download started now. */
  const freshUrl = useCallback(async (): Promise<string | null> => {
    const { data } = query;
    if (data && Date.parse(data.expires_at) - Date.now() > 10_000) return data.url;
    const result = await refetch();
    return result.data?.url ?? null;
  }, [query, refetch]);

  return {
    url: isBroken ? null : (query.data?.url ?? null),
    /** The viewer may not see it (removed from the group, deleted) or it is gone. */
    isUnavailable: code === "NOT_FOUND" || code === "FORBIDDEN",
    isFailed: isBroken || (query.isError && code !== "NOT_FOUND" && code !== "FORBIDDEN"),
    isLoading: query.isPending && (options.isEnabled ?? true),
    onLoadError,
    freshUrl,
  };
}

/** Starts a browser download of a URL (served as an attachment, so the page stays). */
export function startDownload(url: string, fileName: string | null) {
  const link = document.createElement("a");
  link.href = url;
  // The name the file is saved under: an override in it would make "exe.pdf" of "fdp.exe".
  link.download = displayText(fileName ?? "");
  link.rel = "noopener";
  document.body.append(link);
  link.click();
  link.remove();
}
