"use client";

import { useEffect, useState } from "react";

import type { MessageOutput } from "@parley/sdk";

import { Button } from "~/components/ui/button";
import { emptyConversation } from "~/lib/chat/state";
import { useNow } from "~/lib/use-now";

import { BlockDialog } from "./block-dialog";
import { BlockedBar } from "./blocked-bar";
import { useChatEngine, useChatState } from "./chat-engine";
import { Composer } from "./composer";
import { ConnectionBanner } from "./connection-banner";
import { ConversationHeader } from "./conversation-header";
import { DeleteMessageDialog } from "./delete-message-dialog";
import { displayName } from "./display-name";
import { MessageList } from "./message-list";

type ConversationProps = {
  peerId: number;
  onBack: () => void;
};

/** The right-hand pane (the whole screen on a phone): one conversation. Mounted per person (keyed by peerId). */
export function Conversation({ peerId, onBack }: ConversationProps) {
  const engine = useChatEngine();
  const selfId = useChatState((state) => state.selfId);
  const profile = useChatState((state) => state.profiles[peerId]);
  const conversation = useChatState((state) => state.conversations[peerId]) ?? emptyConversation;
  const isTyping = useChatState((state) => Boolean(state.typing[peerId]));
  const isBlocked = useChatState((state) => Boolean(state.blocked[peerId]));
  const now = useNow();
  const [replyTo, setReplyTo] = useState<MessageOutput | null>(null);
  const [deleting, setDeleting] = useState<MessageOutput | null>(null);
  const [isBlocking, setIsBlocking] = useState(false);
  // Where "N unread messages" goes: decided once, when the chat opens.
  const [firstUnreadSeq] = useState(() => {
    const chat = engine.store.getState().chats[peerId];
    return chat && chat.unreadCount > 0 ? chat.lastSeq - chat.unreadCount + 1 : null;
  });
  const name = displayName(profile);

  useEffect(() => {
    engine.openConversation(peerId);
    return () => engine.closeConversation(peerId);
  }, [engine, peerId]);

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
        <div role="alert" className="flex flex-1 flex-col items-center justify-center gap-4 px-8 text-center">
          <p className="text-sm text-ink-muted">This chat couldn&apos;t be loaded.</p>
          <Button className="w-auto" onClick={() => engine.retryConversation(peerId)}>
            Try again
          </Button>
        </div>
      ) : (
        <MessageList
          peerId={peerId}
          peerName={name}
          selfId={selfId}
          conversation={conversation}
          firstUnreadSeq={firstUnreadSeq}
          now={now}
          onReply={setReplyTo}
          onDelete={setDeleting}
        />
      )}
      {failedToOpen && !profile ? null : isBlocked ? (
        <BlockedBar peerId={peerId} peerName={name} />
      ) : (
        <Composer
          peerId={peerId}
          peerName={name}
          selfId={selfId}
          replyTo={replyTo}
          onCancelReply={() => setReplyTo(null)}
        />
      )}
      {deleting && (
        <DeleteMessageDialog
          message={deleting}
          selfId={selfId}
          now={now}
          onClose={() => {
            if (replyTo?.id === deleting.id) setReplyTo(null);
            setDeleting(null);
          }}
        />
      )}
      {isBlocking && <BlockDialog peerId={peerId} peerName={name} onClose={() => setIsBlocking(false)} />}
    </section>
  );
}
