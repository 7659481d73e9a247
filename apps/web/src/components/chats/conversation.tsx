"use client";

import { useState } from "react";

import { SelectionBar } from "~/components/messages/selection-bar";
import { directKey, isEncryptedChat } from "~/lib/chat/state";

import { BlockDialog } from "./block-dialog";
import { BlockedBar } from "./blocked-bar";
import { useChatState } from "./chat-engine";
import { Composer } from "./composer";
import { DropOverlay } from "./drop-overlay";
import { ConnectionBanner } from "./connection-banner";
import { ConversationHeader } from "./conversation-header";
import { ConversationNotice } from "./conversation-notice";
import { displayName } from "./display-name";
import { IdentityChangedBar, SafetyNumberDialog } from "./encryption";
import { MessageList } from "./message-list";
import { useFileDrop } from "./use-attachments";
import { MessageDialogs, useConversationPane } from "./use-conversation-pane";

type ConversationProps = {
  peerId: number;
  onBack: () => void;
};

/** The right-hand pane (the whole screen on a phone): a 1:1 conversation. Mounted per person (keyed by peerId). */
export function Conversation({ peerId, onBack }: ConversationProps) {
  const pane = useConversationPane(directKey(peerId));
  const { engine, key, selfId, conversation, nameOf, now, firstUnreadSeq, failedToOpen, replyTo, setReplyTo } = pane;
  const { fail, editing, setEditing, selection, setSelection, setForwarding, pickedInOrder, actions, attachments } =
    pane;
  const profile = useChatState((state) => state.profiles[peerId]);
  const isTyping = useChatState((state) => Boolean(state.typing[key]?.length));
  const isBlocked = useChatState((state) => Boolean(state.blocked[peerId]));
  const [isBlocking, setIsBlocking] = useState(false);
  const [isShowingCode, setIsShowingCode] = useState(false);
  const isEncrypted = useChatState((state) => isEncryptedChat(state.chats[key]) === true);
  const name = displayName(profile);
  const isEmpty = conversation.messages.length === 0 && conversation.outbox.length === 0;
  const canCompose = !isBlocked && !(failedToOpen && !profile);
  const drop = useFileDrop(canCompose, attachments.add);

  return (
    <section
      aria-label={name ? `Chat with ${name}` : "Chat"}
      className="chat-wallpaper relative flex min-w-0 flex-1 flex-col"
      {...drop.handlers}
    >
      <ConversationHeader
        profile={profile}
        isTyping={isTyping}
        isBlocked={isBlocked}
        now={now}
        onBack={onBack}
        onBlock={() => setIsBlocking(true)}
        onUnblock={() => void engine.setBlocked(peerId, false).catch(() => {})}
        onSecurityCode={isEncrypted ? () => setIsShowingCode(true) : null}
      />
      <IdentityChangedBar peerId={peerId} peerName={name} onVerify={() => setIsShowingCode(true)} />
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
          actions={actions}
          canReact={!isBlocked}
          selection={selection}
        />
      )}
      {drop.isDragging && <DropOverlay />}
      {selection ? (
        <SelectionBar
          selection={selection}
          onCancel={() => setSelection(null)}
          onForward={() => setForwarding(pickedInOrder(selection))}
          onError={fail}
        />
      ) : failedToOpen && !profile ? null : isBlocked ? (
        <BlockedBar peerId={peerId} peerName={name} />
      ) : (
        <Composer
          conversationKey={key}
          selfId={selfId}
          nameOf={nameOf}
          replyTo={replyTo}
          onCancelReply={() => setReplyTo(null)}
          editing={editing}
          onEditDone={() => setEditing(null)}
          attachments={attachments}
        />
      )}
      <MessageDialogs pane={pane} />
      {isBlocking && <BlockDialog peerId={peerId} peerName={name} onClose={() => setIsBlocking(false)} />}
      {isShowingCode && <SafetyNumberDialog peerId={peerId} peerName={name} onClose={() => setIsShowingCode(false)} />}
    </section>
  );
}
