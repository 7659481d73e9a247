"use client";

import { useCallback, useEffect, useRef, useState, type DragEvent } from "react";

import { checkFile, type CheckedFile } from "~/lib/chat/media";

/** A file picked, dropped or pasted, waiting in the preview step for its caption. */
export type StagedFile = CheckedFile & {
  id: string;
  /** An object URL for photos, videos and audio, revoked when the file leaves the preview. */
  previewUrl: string | null;
  width: number | null;
  height: number | null;
  durationSeconds: number | null;
};

// As many as one preview step sends at once (WhatsApp's limit is higher; a strip of 10 is plenty here).
const MAX_STAGED = 10;

let nextId = 0;

type Measured = Pick<StagedFile, "width" | "height" | "durationSeconds">;

/** A picture's size (and a video's length), so its bubble has the right shape before anything loads. */
function measure(file: StagedFile): Promise<Measured | null> {
  const { previewUrl: url, kind } = file;
  if (!url) return Promise.resolve(null);
  return new Promise((resolve) => {
    if (kind === "image") {
      const image = new Image();
      image.onload = () => resolve({ width: image.naturalWidth, height: image.naturalHeight, durationSeconds: null });
      image.onerror = () => resolve(null);
      image.src = url;
      return;
    }
    const element = document.createElement(kind === "video" ? "video" : "audio");
    element.preload = "metadata";
    element.onloadedmetadata = () => {
      const isVideo = element instanceof HTMLVideoElement;
      resolve({
        width: isVideo ? element.videoWidth || null : null,
        height: isVideo ? element.videoHeight || null : null,
        durationSeconds: Number.isFinite(element.duration) ? Math.round(element.duration) : null,
      });
    };
    element.onerror = () => resolve(null);
    element.src = url;
  });
}

/**
 * The files of a conversation's preview step. Files that can't be sent
 * (wrong type, too large) are refused here with a notice, before any upload.
 */
export function useAttachments() {
  const [staged, setStaged] = useState<StagedFile[]>([]);
  const [notice, setNotice] = useState<string | null>(null);
  const urlsRef = useRef(new Set<string>());

  useEffect(() => {
    const urls = urlsRef.current;
    return () => {
      for (const url of urls) URL.revokeObjectURL(url);
      urls.clear();
    };
  }, []);

  const forget = useCallback((files: StagedFile[]) => {
    for (const { previewUrl } of files) {
      if (!previewUrl) continue;
      URL.revokeObjectURL(previewUrl);
      urlsRef.current.delete(previewUrl);
    }
  }, []);

  const add = useCallback((files: Iterable<File>) => {
    const errors: string[] = [];
    const accepted: StagedFile[] = [];
    for (const file of files) {
      const checked = checkFile(file);
      if ("error" in checked) {
        errors.push(checked.error);
        continue;
      }
      const previewUrl = checked.kind === "document" ? null : URL.createObjectURL(file);
      if (previewUrl) urlsRef.current.add(previewUrl);
      accepted.push({ ...checked, id: `f${nextId++}`, previewUrl, width: null, height: null, durationSeconds: null });
    }
    setNotice(errors.length > 0 ? errors.join(" ") : null);
    if (accepted.length === 0) return;
    setStaged((current) => {
      const room = Math.max(0, MAX_STAGED - current.length);
      return [...current, ...accepted.slice(0, room)];
    });
    if (accepted.length > MAX_STAGED) setNotice(`You can send up to ${MAX_STAGED} files at once.`);
    for (const file of accepted) {
      void measure(file).then((measured) => {
        if (!measured) return;
        setStaged((current) => current.map((item) => (item.id === file.id ? { ...item, ...measured } : item)));
      });
    }
  }, []);

  const remove = useCallback(
    (id: string) => {
      forget(staged.filter((file) => file.id === id));
      setStaged((current) => current.filter((file) => file.id !== id));
    },
    [staged, forget],
  );

  const clear = useCallback(() => {
    forget(staged);
    setStaged([]);
  }, [staged, forget]);

  return { staged, add, remove, clear, notice, setNotice };
}

export type Attachments = ReturnType<typeof useAttachments>;

function hasFiles(event: DragEvent) {
  return Array.from(event.dataTransfer.types).includes("Files");
}

/** Files dragged onto the conversation: a drop overlay while they hover, the preview step when dropped. */
export function useFileDrop(isEnabled: boolean, onFiles: (files: File[]) => void) {
  const [isDragging, setIsDragging] = useState(false);
  const handlers = {
    onDragEnter: (event: DragEvent<HTMLElement>) => {
      if (!isEnabled || !hasFiles(event)) return;
      event.preventDefault();
      setIsDragging(true);
    },
    onDragOver: (event: DragEvent<HTMLElement>) => {
      if (!isEnabled || !hasFiles(event)) return;
      // Without this the browser opens the file instead of dropping it here.
      event.preventDefault();
      event.dataTransfer.dropEffect = "copy";
    },
    onDragLeave: (event: DragEvent<HTMLElement>) => {
      if (event.relatedTarget instanceof Node && event.currentTarget.contains(event.relatedTarget)) return;
      setIsDragging(false);
    },
    onDrop: (event: DragEvent<HTMLElement>) => {
      setIsDragging(false);
      if (!isEnabled || !hasFiles(event)) return;
      event.preventDefault();
      onFiles(Array.from(event.dataTransfer.files));
    },
  };
  return { isDragging: isDragging && isEnabled, handlers };
}
