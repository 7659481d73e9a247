"use client";

import { useEffect, useRef, useState } from "react";

import { cx } from "~/components/ui/cx";
import { MicIcon, MusicIcon, PauseIcon, PlayIcon } from "~/components/ui/icons";
import { Name } from "~/components/ui/name";
import { Spinner } from "~/components/ui/spinner";
import { formatDuration } from "~/lib/chat/media";

type AudioPlayerProps = {
  /** Null while the URL is fetched. */
  src: string | null;
  /** What the server (or the recorder) measured: a recorded WebM says Infinity until fully loaded. */
  durationSeconds: number | null;
  isVoiceNote: boolean;
  isMine: boolean;
  /** The file's name, for an audio file. */
  title?: string | null;
  onLoadError?: () => void;
};

/** A compact player: play/pause, a seek bar, and the time (left while playing, the length otherwise). */
export function AudioPlayer({ src, durationSeconds, isVoiceNote, isMine, title, onLoadError }: AudioPlayerProps) {
  const audioRef = useRef<HTMLAudioElement>(null);
  const [isPlaying, setIsPlaying] = useState(false);
  const [position, setPosition] = useState(0);
  const [mediaDuration, setMediaDuration] = useState<number | null>(null);
  const duration = mediaDuration ?? durationSeconds ?? 0;
  const what = isVoiceNote ? "voice message" : "audio";

  useEffect(() => {
    // Another player starting pauses this one, as in every messenger.
    const audio = audioRef.current;
    if (!audio) return;
    const pauseOthers = (event: Event) => {
      if (event.target !== audio && event.target instanceof HTMLMediaElement) audio.pause();
    };
    document.addEventListener("play", pauseOthers, true);
    return () => document.removeEventListener("play", pauseOthers, true);
  }, []);

  function toggle() {
    const audio = audioRef.current;
    if (!audio || !src) return;
    if (audio.paused) void audio.play().catch(() => setIsPlaying(false));
    else audio.pause();
  }

  return (
    <div
      data-testid={isVoiceNote ? "voice-note" : "audio-player"}
      className="flex w-[280px] max-w-full items-center gap-2.5 py-1 pr-1"
    >
      <span
        aria-hidden="true"
        className={cx(
          "inline-flex size-11 shrink-0 items-center justify-center rounded-full text-white",
          isVoiceNote ? "bg-[#7f66ff]" : "bg-[#ff9a3c]",
        )}
      >
        {isVoiceNote ? <MicIcon className="size-5" /> : <MusicIcon className="size-5" />}
      </span>
      <button
        type="button"
        onClick={toggle}
        disabled={!src}
        aria-label={isPlaying ? `Pause ${what}` : `Play ${what}`}
        className="inline-flex size-8 shrink-0 cursor-pointer items-center justify-center rounded-full text-ink-muted hover:text-ink disabled:cursor-default"
      >
        {!src ? (
          <Spinner className="size-5" />
        ) : isPlaying ? (
          <PauseIcon className="size-6" />
        ) : (
          <PlayIcon className="size-6" />
        )}
      </button>
      <span className="flex min-w-0 flex-1 flex-col gap-1 pt-3">
        {title && <Name className="truncate text-[13px] leading-4 text-ink">{title}</Name>}
        <input
          type="range"
          min={0}
          max={Math.max(duration, 0.1)}
          step={0.1}
          value={Math.min(position, duration)}
          disabled={!src}
          aria-label={`Position in ${what}`}
          aria-valuetext={`${formatDuration(position)} of ${formatDuration(duration)}`}
          onChange={(event) => {
            const audio = audioRef.current;
            const next = Number(event.target.value);
            if (audio) audio.currentTime = next;
            setPosition(next);
          }}
          className={cx("h-1 w-full cursor-pointer", isMine ? "accent-accent-strong" : "accent-[#7f66ff]")}
        />
        <span className="text-[11px] leading-4 text-bubble-meta tabular-nums">
          {formatDuration(isPlaying || position > 0 ? position : duration)}
        </span>
      </span>
      <audio
        ref={audioRef}
        src={src ?? undefined}
        preload="metadata"
        onPlay={() => setIsPlaying(true)}
        onPause={() => setIsPlaying(false)}
        onEnded={() => {
          setIsPlaying(false);
          setPosition(0);
        }}
        onTimeUpdate={(event) => setPosition(event.currentTarget.currentTime)}
        onLoadedMetadata={(event) => {
          const { duration: length } = event.currentTarget;
          if (Number.isFinite(length) && length > 0) setMediaDuration(length);
        }}
        onError={() => {
          setIsPlaying(false);
          onLoadError?.();
        }}
      />
    </div>
  );
}
