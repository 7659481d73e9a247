"use client";

import { useCallback, useEffect, useRef, useState } from "react";

import { mimeTypeOf } from "~/lib/chat/media";

export type VoiceRecording = { blob: Blob; mimeType: string; durationSeconds: number };

type Session = {
  recorder: MediaRecorder;
  stream: MediaStream;
  chunks: Blob[];
  startedAt: number;
};

// Opus in WebM where the browser records it (Chromium, Firefox); AAC in MP4 otherwise (Safari).
const PREFERRED_TYPES = ["audio/webm;codecs=opus", "audio/webm", "audio/mp4"];

function recorderType(): string | undefined {
  return PREFERRED_TYPES.find((type) => MediaRecorder.isTypeSupported(type));
}

function microphoneError(error: unknown): string {
  const name = error instanceof DOMException ? error.name : "";
  if (name === "NotAllowedError" || name === "SecurityError") {
    return "Parley isn't allowed to use your microphone. Allow it for this site in your browser's settings to record voice messages.";
  }
  if (name === "NotFoundError" || name === "OverconstrainedError") {
    return "No microphone was found. Connect one to record voice messages.";
  }
  if (name === "NotReadableError") return "Your microphone is in use by another app. Close it and try again.";
  return "Recording couldn't start. Try again.";
}

/**
 * Records a voice message with MediaRecorder, measuring its length itself:
 * a recorded WebM carries no duration the server could read.
 */
export function useVoiceRecorder(onError: (message: string) => void) {
  const [status, setStatus] = useState<"idle" | "starting" | "recording">("idle");
  const [elapsedMs, setElapsedMs] = useState(0);
  const sessionRef = useRef<Session | null>(null);

  const release = useCallback(() => {
    const session = sessionRef.current;
    sessionRef.current = null;
    if (!session) return;
    if (session.recorder.state !== "inactive") session.recorder.stop();
    for (const track of session.stream.getTracks()) track.stop();
  }, []);

  // Leaving the conversation mid-recording drops it and frees the microphone.
  useEffect(() => release, [release]);

  useEffect(() => {
    if (status !== "recording") return;
    const timer = setInterval(() => {
      const session = sessionRef.current;
      if (session) setElapsedMs(performance.now() - session.startedAt);
    }, 250);
    return () => clearInterval(timer);
  }, [status]);

  const start = useCallback(async () => {
    if (sessionRef.current) return;
    if (typeof MediaRecorder === "undefined" || !navigator.mediaDevices?.getUserMedia) {
      onError(
        window.isSecureContext
          ? "This browser can't record audio. Try a recent Chrome, Firefox or Safari."
          : "Voice messages need a secure (https) connection to Parley.",
      );
      return;
    }
    setStatus("starting");
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      const type = recorderType();
      const recorder = new MediaRecorder(stream, type ? { mimeType: type } : undefined);
      const session: Session = { recorder, stream, chunks: [], startedAt: performance.now() };
      recorder.ondataavailable = (event) => {
        if (event.data.size > 0) session.chunks.push(event.data);
      };
      sessionRef.current = session;
      recorder.start(1000);
      setElapsedMs(0);
      setStatus("recording");
    } catch (error) {
      release();
      setStatus("idle");
      onError(microphoneError(error));
    }
  }, [onError, release]);

  const cancel = useCallback(() => {
    release();
    setStatus("idle");
    setElapsedMs(0);
  }, [release]);

  /** Stops and hands back the recording, or null if nothing was recorded. */
  const finish = useCallback(async (): Promise<VoiceRecording | null> => {
    const session = sessionRef.current;
    if (!session) return null;
    const durationSeconds = (performance.now() - session.startedAt) / 1000;
    const stopped = new Promise<void>((resolve) => {
      session.recorder.addEventListener("stop", () => resolve(), { once: true });
    });
    session.recorder.stop();
    await stopped;
    release();
    setStatus("idle");
    setElapsedMs(0);
    const mimeType = session.recorder.mimeType || session.chunks[0]?.type || "audio/webm";
    const blob = new Blob(session.chunks, { type: mimeType });
    if (blob.size === 0) return null;
    return {
      blob,
      mimeType: mimeTypeOf({ type: mimeType }),
      durationSeconds: Math.max(1, Math.round(durationSeconds)),
    };
  }, [release]);

  return { status, elapsedSeconds: elapsedMs / 1000, start, cancel, finish };
}
