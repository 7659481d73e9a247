"use client";

import { useEffect, useState } from "react";

import { directKey, emptyConversation, type ThreadMessage } from "~/lib/chat/state";
import { useNow } from "~/lib/use-now";

import { BlockDialog } from "./block-dialog";
import { BlockedBar } from "./blocked-bar";
import { useChatEngine, useChatState } from "./chat-engine";
import { Composer } from "./composer";
import { ConnectionBanner } from "./connection-banner";
import { ConversationHeader } from "./conversation-header";
import { ConversationNotice } from "./conversation-notice";
import { DeleteMessageDialog } from "./delete-message-dialog";
import { displayName } from "./display-name";
import { MessageInfoDialog } from "./message-info-dialog";
import { MessageList } from "./message-list";
import { useNameOf } from "./use-name-of";

type ConversationProps = {
  peerId: number;
  onBack: () => void;
};

/** The right-hand pane (the whole screen on a phone): a 1:1 conversation. Mounted per person (keyed by peerId). */
export function Conversation({ peerId, onBack }: ConversationProps) {
  const engine = useChatEngine();
  const key = directKey(peerId);
  const selfId = useChatState((state) => state.selfId);
  const profile = useChatState((state) => state.profiles[peerId]);
  const conversation = useChatState((state) => state.conversations[key]) ?? emptyConversation;
  const isTyping = useChatState((state) => Boolean(state.typing[key]?.length));
  const isBlocked = useChatState((state) => Boolean(state.blocked[peerId]));
  const nameOf = useNameOf();
  const now = useNow();
  const [replyTo, setReplyTo] = useState<ThreadMessage | null>(null);
  const [deleting, setDeleting] = useState<ThreadMessage | null>(null);
  const [inspecting, setInspecting] = useState<ThreadMessage | null>(null);
  const [isBlocking, setIsBlocking] = useState(false);
  // Where "N unread messages" goes: decided once, when the chat opens.
  const [firstUnreadSeq] = useState(() => {
    const chat = engine.store.getState().chats[key];
    return chat && chat.unreadCount > 0 ? chat.lastSeq - chat.unreadCount + 1 : null;
  });
  const name = displayName(profile);
  const isEmpty = conversation.messages.length === 0 && conversation.outbox.length === 0;

  useEffect(() => {
    engine.openConversation(key);
    return () => engine.closeConversation(key);
  }, [engine, key]);

  const failedToOpen = conversation.history === "error" && conversation.messages.length === 0;

  return (
    <section aria-label={name ? `Chat with ${name}` : "Chat"} className="chat-wallpaper flex min-w-0 flex-1 flex-col">
      <ConversationHeader
        profile={profile}
        isTyping={isTyping}
        isBlocked={isBlocked}
        now={now}
        onBack={onBack}
        onBlock={() => setIsBlocking(true)}
        onUnblock={() => void engine.setBlocked(peerId, false).catch(() => {})}
      />
      <ConnectionBanner className="md:hidden" />
      {failedToOpen ? (
        <ConversationNotice
          role="alert"
          text="This chat couldn't be loaded."
          buttonLabel="Try again"
          onClick={() => engine.retryConversation(key)}
        />
      ) : (
        <MessageList
          conversationKey={key}
          selfId={selfId}
          conversation={conversation}
          firstUnreadSeq={firstUnreadSeq}
          now={now}
          intro={
            isEmpty
              ? `Say hello to ${name}. Your first message starts the chat.`
              : `This is the start of your chat with ${name}.`
          }
          nameOf={nameOf}
          showsSenders={false}
          onReply={setReplyTo}
          onDelete={setDeleting}
          onInfo={setInspecting}
        />
      )}
      {failedToOpen && !profile ? null : isBlocked ? (
        <BlockedBar peerId={peerId} peerName={name} />
      ) : (
        <Composer
          conversationKey={key}
          selfId={selfId}
          nameOf={nameOf}
          replyTo={replyTo}
          onCancelReply={() => setReplyTo(null)}
        />
      )}
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
      {isBlocking && <BlockDialog peerId={peerId} peerName={name} onClose={() => setIsBlocking(false)} />}
    </section>
  );
}
