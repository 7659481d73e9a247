"use client";

import {
  useEffect,
  useRef,
  useState,
  type ClipboardEvent,
  type FormEvent,
  type KeyboardEvent,
  type ReactNode,
} from "react";

import { MESSAGE_MAX_LENGTH } from "@parley/validators";

import { ActionNotice } from "~/components/messages/action-notice";
import { cx } from "~/components/ui/cx";
import {
  CheckIcon,
  CloseIcon,
  DocumentIcon,
  MicIcon,
  PaperclipIcon,
  PencilIcon,
  PhotoIcon,
  PinIcon,
  SendIcon,
  TrashIcon,
} from "~/components/ui/icons";
import { Menu } from "~/components/ui/menu";
import { Spinner } from "~/components/ui/spinner";
import { toApiProblem } from "~/lib/api-error";
import type { NameOf } from "~/lib/chat/group-text";
import { acceptFor, formatDuration, mediaKindOf, previewText } from "~/lib/chat/media";
import type { ConversationKey, ThreadMessage } from "~/lib/chat/state";

import { useChatEngine } from "./chat-engine";
import { LocationDialog } from "./location-dialog";
import { SendMediaDialog } from "./send-media-dialog";
import type { Attachments } from "./use-attachments";
import { useVoiceRecorder } from "./use-voice-recorder";

// What was typed but not sent, per conversation, for as long as the tab lives.
const drafts = new Map<ConversationKey, string>();

const PHOTO_VIDEO_ACCEPT = acceptFor(["image", "video"]);
const DOCUMENT_ACCEPT = acceptFor(["document", "audio"]);

const roundButton =
  "inline-flex size-10 shrink-0 cursor-pointer items-center justify-center rounded-full transition-colors disabled:cursor-default";

type ComposerProps = {
  conversationKey: ConversationKey;
  selfId: number;
  nameOf: NameOf;
  replyTo: ThreadMessage | null;
  onCancelReply: () => void;
  /** One of my messages whose text is being changed: the box holds it, Enter saves, Escape gives up. */
  editing: ThreadMessage | null;
  onEditDone: () => void;
  /** Files picked, dropped or pasted, waiting for the preview step. */
  attachments: Attachments;
};

/**
 * Enter sends, Shift+Enter starts a new line; "typing…" goes out while keys are pressed.
 * The paperclip attaches photos, videos, documents or a location; the microphone records a voice message.
 * Editing a message borrows the box and gives the draft back afterwards.
 */
export function Composer({
  conversationKey,
  selfId,
  nameOf,
  replyTo,
  onCancelReply,
  editing,
  onEditDone,
  attachments,
}: ComposerProps) {
  const engine = useChatEngine();
  const [text, setText] = useState(() => drafts.get(conversationKey) ?? "");
  const [editedId, setEditedId] = useState<number | null>(null);
  const [isSaving, setIsSaving] = useState(false);
  const [isLocating, setIsLocating] = useState(false);
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const photoInputRef = useRef<HTMLInputElement>(null);
  const documentInputRef = useRef<HTMLInputElement>(null);
  const { staged, notice, setNotice } = attachments;
  const recorder = useVoiceRecorder(setNotice);
  const canSend = text.trim().length > 0;
  const isRecording = recorder.status !== "idle";

  // Starting or ending an edit swaps what the box holds: the message's text, or the draft again.
  if ((editing?.id ?? null) !== editedId) {
    setEditedId(editing?.id ?? null);
    setText(editing ? (editing.content ?? "") : (drafts.get(conversationKey) ?? ""));
  }

  useEffect(() => {
    const input = inputRef.current;
    // A phone's keyboard would cover the chat on open; only focus where there is a real keyboard.
    if (!input || !(replyTo || editing || window.matchMedia("(pointer: fine)").matches)) return;
    input.focus();
    if (editing) input.setSelectionRange(input.value.length, input.value.length);
  }, [replyTo, editing, conversationKey]);

  function update(value: string) {
    setText(value);
    // An edit is not a draft, and not news to anyone until it is saved.
    if (editing) return;
    drafts.set(conversationKey, value);
    if (value.trim()) engine.typing(conversationKey);
    else engine.stopTyping(conversationKey);
  }

  async function saveEdit(message: ThreadMessage) {
    const content = text.trim();
    if (!content || isSaving) return;
    if (content === message.content) {
      onEditDone();
      return;
    }
    setIsSaving(true);
    try {
      await engine.editMessage(conversationKey, message, content);
      onEditDone();
      inputRef.current?.focus();
    } catch (cause) {
      setNotice(toApiProblem(cause).message);
    } finally {
      setIsSaving(false);
    }
  }

  function send() {
    if (editing) {
      void saveEdit(editing);
      return;
    }
    const content = text.trim();
    if (!content) return;
    engine.send(conversationKey, content, replyTo);
    update("");
    onCancelReply();
    inputRef.current?.focus();
  }

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    send();
  }

  function handleKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      send();
    } else if (event.key === "Escape" && editing) {
      event.preventDefault();
      onEditDone();
    } else if (event.key === "Escape" && replyTo) {
      event.preventDefault();
      onCancelReply();
    }
  }

  function handlePaste(event: ClipboardEvent<HTMLTextAreaElement>) {
    const files = Array.from(event.clipboardData.files);
    if (files.length === 0) return;
    // A screenshot pasted goes to the preview step; pasted text stays text.
    event.preventDefault();
    attachments.add(files);
  }

  function sendStaged(captions: Record<string, string>) {
    for (const [index, file] of staged.entries()) {
      engine.sendMedia(
        conversationKey,
        {
          file: file.file,
          kind: file.kind,
          mimeType: file.mimeType,
          fileName: file.file.name || null,
          caption: captions[file.id] ?? "",
          width: file.width,
          height: file.height,
          durationSeconds: file.durationSeconds,
        },
        // A reply quotes once, on the first of the files.
        index === 0 ? replyTo : null,
      );
    }
    attachments.clear();
    onCancelReply();
    inputRef.current?.focus();
  }

  async function sendRecording() {
    const recording = await recorder.finish();
    if (!recording) {
      setNotice("Nothing was recorded. Check your microphone and try again.");
      return;
    }
    const kind = mediaKindOf(recording.mimeType);
    if (kind !== "audio") {
      setNotice("This browser records audio in a format Parley can't send.");
      return;
    }
    engine.sendMedia(
      conversationKey,
      {
        file: recording.blob,
        kind,
        mimeType: recording.mimeType,
        fileName: null,
        caption: "",
        durationSeconds: recording.durationSeconds,
        isVoiceNote: true,
      },
      replyTo,
    );
    onCancelReply();
  }

  return (
    <footer className="shrink-0 bg-panel-muted px-3 py-2 md:px-4">
      {notice && <ActionNotice text={notice} onDismiss={() => setNotice(null)} className="mb-2" />}
      {replyTo && (
        <ComposerContext
          testId="reply-preview"
          isMine={replyTo.sender_id === selfId}
          title={`Replying to ${replyTo.sender_id === selfId ? "yourself" : nameOf(replyTo.sender_id)}`}
          text={previewText(replyTo)}
          cancelLabel="Cancel reply"
          cancelTitle="Cancel reply"
          onCancel={onCancelReply}
        />
      )}
      {editing && (
        <ComposerContext
          testId="edit-preview"
          isMine
          title={
            <>
              <PencilIcon className="size-3.5" />
              Edit message
            </>
          }
          text={editing.content}
          cancelLabel="Cancel edit"
          cancelTitle="Cancel edit (Esc)"
          onCancel={onEditDone}
        />
      )}
      {isRecording ? (
        <div role="group" aria-label="Recording a voice message" className="flex items-center gap-2">
          <button
            type="button"
            aria-label="Cancel recording"
            title="Cancel recording"
            onClick={recorder.cancel}
            className={cx(roundButton, "text-ink-muted hover:bg-panel-hover")}
          >
            <TrashIcon className="size-5" />
          </button>
          <span className="flex flex-1 items-center gap-2 rounded-lg bg-field px-3 py-[9px] text-[15px] leading-[22px]">
            <span aria-hidden="true" className="size-2.5 animate-pulse rounded-full bg-danger" />
            <span role="timer" aria-label="Recording time" className="text-ink tabular-nums">
              {recorder.status === "starting" ? "Starting…" : formatDuration(recorder.elapsedSeconds)}
            </span>
          </span>
          <button
            type="button"
            aria-label="Send voice message"
            title="Send voice message"
            disabled={recorder.status !== "recording"}
            onClick={() => void sendRecording()}
            className={cx(roundButton, "bg-accent text-accent-ink hover:bg-accent-strong disabled:opacity-60")}
          >
            <SendIcon className="size-5" />
          </button>
        </div>
      ) : (
        <form onSubmit={handleSubmit} className="flex items-end gap-1.5 md:gap-2">
          {!editing && (
            <Menu
              label="Attach"
              menuLabel="Attach"
              align="start"
              width={220}
              buttonClassName={cx(roundButton, "text-ink-muted hover:bg-panel-hover")}
              openButtonClassName="bg-panel-hover"
              items={[
                {
                  label: "Photos & videos",
                  icon: <PhotoIcon className="size-5" />,
                  onSelect: () => photoInputRef.current?.click(),
                },
                {
                  label: "Document",
                  icon: <DocumentIcon className="size-5" />,
                  onSelect: () => documentInputRef.current?.click(),
                },
                {
                  label: "Location",
                  icon: <PinIcon className="size-5" />,
                  onSelect: () => setIsLocating(true),
                },
              ]}
            >
              <PaperclipIcon className="size-[22px]" />
            </Menu>
          )}
          <textarea
            ref={inputRef}
            rows={1}
            value={text}
            maxLength={MESSAGE_MAX_LENGTH}
            onChange={(event) => update(event.target.value)}
            onKeyDown={handleKeyDown}
            onPaste={handlePaste}
            onBlur={() => engine.stopTyping(conversationKey)}
            aria-label="Type a message"
            placeholder="Type a message"
            enterKeyHint={editing ? "done" : "send"}
            className="field-sizing-content max-h-36 min-h-10 min-w-0 flex-1 resize-none rounded-lg bg-field px-3 py-[9px] text-[15px] leading-[22px] text-ink outline-none placeholder:text-ink-faint"
          />
          {editing ? (
            <button
              type="submit"
              aria-label="Save edit"
              title="Save"
              disabled={!canSend || isSaving}
              className={cx(roundButton, "bg-accent text-accent-ink hover:bg-accent-strong disabled:opacity-60")}
            >
              {isSaving ? <Spinner className="size-5" /> : <CheckIcon className="size-5" />}
            </button>
          ) : canSend ? (
            <button
              type="submit"
              aria-label="Send"
              title="Send"
              className={cx(roundButton, "bg-accent text-accent-ink hover:bg-accent-strong")}
            >
              <SendIcon className="size-5" />
            </button>
          ) : (
            <button
              type="button"
              aria-label="Record voice message"
              title="Record voice message"
              onClick={() => void recorder.start()}
              className={cx(roundButton, "text-ink-muted hover:bg-panel-hover")}
            >
              <MicIcon className="size-[22px]" />
            </button>
          )}
        </form>
      )}
      <input
        ref={photoInputRef}
        type="file"
        multiple
        hidden
        accept={PHOTO_VIDEO_ACCEPT}
        aria-label="Photos and videos to send"
        onChange={(event) => {
          attachments.add(Array.from(event.target.files ?? []));
          // The same file picked again should still fire a change.
          event.target.value = "";
        }}
      />
      <input
        ref={documentInputRef}
        type="file"
        multiple
        hidden
        accept={DOCUMENT_ACCEPT}
        aria-label="Documents to send"
        onChange={(event) => {
          attachments.add(Array.from(event.target.files ?? []));
          event.target.value = "";
        }}
      />
      {staged.length > 0 && (
        <SendMediaDialog files={staged} onRemove={attachments.remove} onClose={attachments.clear} onSend={sendStaged} />
      )}
      {isLocating && (
        <LocationDialog
          onClose={() => setIsLocating(false)}
          onSend={(location) => {
            setIsLocating(false);
            engine.sendLocation(conversationKey, location, replyTo);
            onCancelReply();
          }}
        />
      )}
    </footer>
  );
}

/** What the next message is about, above the text box: the message it replies to, or the one being edited. */
function ComposerContext({
  testId,
  isMine,
  title,
  text,
  cancelLabel,
  cancelTitle,
  onCancel,
}: {
  testId: string;
  /** Your own message: the accent colour; someone else's: the quote colour. */
  isMine: boolean;
  title: ReactNode;
  text: string | null;
  cancelLabel: string;
  cancelTitle: string;
  onCancel: () => void;
}) {
  return (
    <div className="mb-2 flex items-center gap-2 rounded-lg bg-panel p-1.5 pl-0">
      <div className="flex min-w-0 flex-1 overflow-hidden rounded-md bg-panel-muted" data-testid={testId}>
        <span className={cx("w-1 shrink-0", isMine ? "bg-accent" : "bg-[#7f66ff]")} />
        <div className="min-w-0 px-3 py-2">
          <p
            className={cx(
              "flex items-center gap-1.5 text-[13px] font-medium",
              isMine ? "text-accent-strong" : "text-[#7f66ff]",
            )}
          >
            {title}
          </p>
          <p className="truncate text-[13px] text-ink-muted">{text}</p>
        </div>
      </div>
      <button
        type="button"
        aria-label={cancelLabel}
        title={cancelTitle}
        onClick={onCancel}
        className="inline-flex size-9 shrink-0 cursor-pointer items-center justify-center rounded-full text-ink-muted hover:bg-panel-hover"
      >
        <CloseIcon className="size-5" />
      </button>
    </div>
  );
}
