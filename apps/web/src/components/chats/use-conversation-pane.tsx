"use client";

import { useEffect, useState } from "react";

import { type ConversationKey, emptyConversation, type ThreadMessage } from "~/lib/chat/state";
import { useNow } from "~/lib/use-now";

import { useChatEngine, useChatState } from "./chat-engine";
import { DeleteMessageDialog } from "./delete-message-dialog";
import { MessageInfoDialog } from "./message-info-dialog";
import { useAttachments } from "./use-attachments";
import { useNameOf } from "./use-name-of";

/**
 * What a 1:1 chat and a group conversation share: the conversation opened while the pane is
 * mounted, where "N unread messages" goes, the message being replied to, deleted or inspected,
 * and the files waiting to be sent.
 */
export function useConversationPane(key: ConversationKey) {
  const engine = useChatEngine();
  const selfId = useChatState((state) => state.selfId);
  const conversation = useChatState((state) => state.conversations[key]) ?? emptyConversation;
  const nameOf = useNameOf();
  const now = useNow();
  const [replyTo, setReplyTo] = useState<ThreadMessage | null>(null);
  const [deleting, setDeleting] = useState<ThreadMessage | null>(null);
  const [inspecting, setInspecting] = useState<ThreadMessage | null>(null);
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
    deleting,
    setDeleting,
    inspecting,
    setInspecting,
    attachments,
  };
}

export type ConversationPane = ReturnType<typeof useConversationPane>;

/** The delete and message-info dialogs of a conversation pane, when one is open. */
export function MessageDialogs({ pane }: { pane: ConversationPane }) {
  const { key, selfId, now, replyTo, setReplyTo, deleting, setDeleting, inspecting, setInspecting } = pane;
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
    </>
  );
}
