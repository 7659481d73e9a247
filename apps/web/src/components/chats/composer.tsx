"use client";

import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from "react";

import { MESSAGE_MAX_LENGTH } from "@parley/validators";

import { cx } from "~/components/ui/cx";
import { CloseIcon, SendIcon } from "~/components/ui/icons";
import type { NameOf } from "~/lib/chat/group-text";
import type { ConversationKey, ThreadMessage } from "~/lib/chat/state";

import { useChatEngine } from "./chat-engine";

// What was typed but not sent, per conversation, for as long as the tab lives.
const drafts = new Map<ConversationKey, string>();

type ComposerProps = {
  conversationKey: ConversationKey;
  selfId: number;
  nameOf: NameOf;
  replyTo: ThreadMessage | null;
  onCancelReply: () => void;
};

/** Enter sends, Shift+Enter starts a new line; "typing…" goes out while keys are pressed. */
export function Composer({ conversationKey, selfId, nameOf, replyTo, onCancelReply }: ComposerProps) {
  const engine = useChatEngine();
  const [text, setText] = useState(() => drafts.get(conversationKey) ?? "");
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const canSend = text.trim().length > 0;

  useEffect(() => {
    // A phone's keyboard would cover the chat on open; only focus where there is a real keyboard.
    if (replyTo || window.matchMedia("(pointer: fine)").matches) inputRef.current?.focus();
  }, [replyTo, conversationKey]);

  function update(value: string) {
    setText(value);
    drafts.set(conversationKey, value);
    if (value.trim()) engine.typing(conversationKey);
    else engine.stopTyping(conversationKey);
  }

  function send() {
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
    } else if (event.key === "Escape" && replyTo) {
      event.preventDefault();
      onCancelReply();
    }
  }

  return (
    <footer className="shrink-0 bg-panel-muted px-3 py-2 md:px-4">
      {replyTo && (
        <div className="mb-2 flex items-center gap-2 rounded-lg bg-panel p-1.5 pl-0">
          <div className="flex min-w-0 flex-1 overflow-hidden rounded-md bg-panel-muted" data-testid="reply-preview">
            <span className={cx("w-1 shrink-0", replyTo.sender_id === selfId ? "bg-accent" : "bg-[#7f66ff]")} />
            <div className="min-w-0 px-3 py-2">
              <p
                className={cx(
                  "text-[13px] font-medium",
                  replyTo.sender_id === selfId ? "text-accent-strong" : "text-[#7f66ff]",
                )}
              >
                Replying to {replyTo.sender_id === selfId ? "yourself" : nameOf(replyTo.sender_id)}
              </p>
              <p className="truncate text-[13px] text-ink-muted">{replyTo.content}</p>
            </div>
          </div>
          <button
            type="button"
            aria-label="Cancel reply"
            title="Cancel reply"
            onClick={onCancelReply}
            className="inline-flex size-9 shrink-0 cursor-pointer items-center justify-center rounded-full text-ink-muted hover:bg-panel-hover"
          >
            <CloseIcon className="size-5" />
          </button>
        </div>
      )}
      <form onSubmit={handleSubmit} className="flex items-end gap-2">
        <textarea
          ref={inputRef}
          rows={1}
          value={text}
          maxLength={MESSAGE_MAX_LENGTH}
          onChange={(event) => update(event.target.value)}
          onKeyDown={handleKeyDown}
          onBlur={() => engine.stopTyping(conversationKey)}
          aria-label="Type a message"
          placeholder="Type a message"
          enterKeyHint="send"
          className="field-sizing-content max-h-36 min-h-10 flex-1 resize-none rounded-lg bg-field px-3 py-[9px] text-[15px] leading-[22px] text-ink outline-none placeholder:text-ink-faint"
        />
        <button
          type="submit"
          aria-label="Send"
          title="Send"
          disabled={!canSend}
          className={cx(
            "inline-flex size-10 shrink-0 cursor-pointer items-center justify-center rounded-full transition-colors disabled:cursor-default",
            canSend ? "bg-accent text-accent-ink hover:bg-accent-strong" : "text-ink-faint",
          )}
        >
          <SendIcon className="size-5" />
        </button>
      </form>
    </footer>
  );
}
