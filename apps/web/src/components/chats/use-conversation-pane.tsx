"use client";

import { useCallback, useEffect, useMemo, useState } from "react";

import { ActionNotice } from "~/components/messages/action-notice";
import { ForwardDialog } from "~/components/messages/forward-dialog";
import { ReactionPicker, type PickerAnchor } from "~/components/messages/reaction-picker";
import { toApiProblem } from "~/lib/api-error";
import { myReaction, toggledReaction } from "~/lib/chat/message-actions";
import { type ConversationKey, emptyConversation, type ThreadMessage } from "~/lib/chat/state";
import { useNow } from "~/lib/use-now";

import { useChatEngine, useChatState } from "./chat-engine";
import { DeleteMessageDialog } from "./delete-message-dialog";
import type { MessageActions } from "./message-bubble";
import { MessageInfoDialog } from "./message-info-dialog";
import { useAttachments } from "./use-attachments";
import { useNameOf } from "./use-name-of";

type Reacting = { messageId: number; anchor: PickerAnchor; returnFocus: HTMLElement | null };

/**
 * What a 1:1 chat and a group conversation share: the conversation opened while the pane is
 * mounted, where "N unread messages" goes, the message being replied to, edited, reacted to,
 * deleted or inspected, the messages picked to forward, and the files waiting to be sent.
 */
export function useConversationPane(key: ConversationKey) {
  const engine = useChatEngine();
  const selfId = useChatState((state) => state.selfId);
  const conversation = useChatState((state) => state.conversations[key]) ?? emptyConversation;
  const nameOf = useNameOf();
  const now = useNow();
  const [replyTo, setReplyTo] = useState<ThreadMessage | null>(null);
  const [editing, setEditing] = useState<ThreadMessage | null>(null);
  const [deleting, setDeleting] = useState<ThreadMessage | null>(null);
  const [inspecting, setInspecting] = useState<ThreadMessage | null>(null);
  const [reacting, setReacting] = useState<Reacting | null>(null);
  const [selection, setSelection] = useState<number[] | null>(null);
  const [forwarding, setForwarding] = useState<number[] | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const attachments = useAttachments();
  // Where "N unread messages" goes: decided once, when the conversation opens.
  const [firstUnreadSeq] = useState(() => {
    const chat = engine.store.getState().chats[key];
    return chat && chat.unreadCount > 0 ? chat.lastSeq - chat.unreadCount + 1 : null;
  });

  useEffect(() => {
    engine.openConversation(key);
    return () => engine.closeConversation(key);
  }, [engine, key]);

  const fail = useCallback((cause: unknown) => setNotice(toApiProblem(cause).message), []);

  const actions = useMemo<MessageActions>(
    () => ({
      reply: (message) => {
        setEditing(null);
        setReplyTo(message);
      },
      react: (message, emoji) => void engine.react(key, message.id, emoji).catch(fail),
      openReactions: (message, from) => {
        const rect = from?.getBoundingClientRect();
        if (!rect) return;
        setReacting({
          messageId: message.id,
          anchor: { top: rect.top, bottom: rect.bottom, left: rect.left, right: rect.right },
          returnFocus: from,
        });
      },
      forward: (message) => setForwarding([message.id]),
      edit: (message) => {
        setReplyTo(null);
        setEditing(message);
      },
      star: (message, isStarred) => void engine.setStarred(message.id, isStarred).catch(fail),
      info: setInspecting,
      delete: setDeleting,
      select: (message) => setSelection([message.id]),
      toggleSelected: (message) =>
        setSelection((current) =>
          current?.includes(message.id) ? current.filter((id) => id !== message.id) : [...(current ?? []), message.id],
        ),
    }),
    [engine, key, fail],
  );

  /** The picked messages in the order they were said: forwards arrive in that order. */
  const pickedInOrder = useCallback(
    (ids: readonly number[]) =>
      conversation.messages.filter((message) => ids.includes(message.id)).map((message) => message.id),
    [conversation.messages],
  );

  return {
    engine,
    key,
    selfId,
    conversation,
    nameOf,
    now,
    firstUnreadSeq,
    failedToOpen: conversation.history === "error" && conversation.messages.length === 0,
    replyTo,
    setReplyTo,
    editing,
    setEditing,
    deleting,
    setDeleting,
    inspecting,
    setInspecting,
    reacting,
    setReacting,
    selection,
    setSelection,
    forwarding,
    setForwarding,
    pickedInOrder,
    fail,
    notice,
    setNotice,
    actions,
    attachments,
  };
}

export type ConversationPane = ReturnType<typeof useConversationPane>;

/** The dialogs and popovers of a conversation pane, when one is open: delete, info, react, forward. */
export function MessageDialogs({ pane }: { pane: ConversationPane }) {
  const { key, selfId, now, conversation, replyTo, setReplyTo, deleting, setDeleting, inspecting, setInspecting } =
    pane;
  const { reacting, setReacting, forwarding, setForwarding, setSelection, notice, setNotice, actions } = pane;
  const reactingTo = reacting ? conversation.messages.find((message) => message.id === reacting.messageId) : undefined;
  const closePicker = useCallback(() => {
    reacting?.returnFocus?.focus();
    setReacting(null);
  }, [reacting, setReacting]);

  return (
    <>
      {deleting && (
        <DeleteMessageDialog
          conversationKey={key}
          message={deleting}
          selfId={selfId}
          now={now}
          onClose={() => {
            if (replyTo?.id === deleting.id) setReplyTo(null);
            setDeleting(null);
          }}
        />
      )}
      {inspecting && <MessageInfoDialog message={inspecting} now={now} onClose={() => setInspecting(null)} />}
      {reacting && reactingTo && (
        <ReactionPicker
          anchor={reacting.anchor}
          current={myReaction(reactingTo.reactions, selfId)}
          onPick={(emoji) => {
            closePicker();
            actions.react(reactingTo, toggledReaction(reactingTo.reactions, selfId, emoji));
          }}
          onClose={closePicker}
        />
      )}
      {forwarding && (
        <ForwardDialog
          messageIds={forwarding}
          onClose={() => setForwarding(null)}
          onForwarded={() => {
            setForwarding(null);
            setSelection(null);
          }}
        />
      )}
      {notice && (
        <ActionNotice
          text={notice}
          onDismiss={() => setNotice(null)}
          className="absolute bottom-20 left-1/2 z-30 w-max max-w-[90%] -translate-x-1/2 shadow-md"
        />
      )}
    </>
  );
}
