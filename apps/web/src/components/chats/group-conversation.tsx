"use client";

import { useMemo, useState } from "react";

import { SelectionBar } from "~/components/messages/selection-bar";
import { typingLine } from "~/lib/chat/group-text";
import { groupKey } from "~/lib/chat/state";
import { displayText } from "~/lib/display-text";

import { useChatState } from "./chat-engine";
import { Composer } from "./composer";
import { DropOverlay } from "./drop-overlay";
import { ConnectionBanner } from "./connection-banner";
import { ConversationNotice } from "./conversation-notice";
import { GroupHeader } from "./group-header";
import { GroupInfoPanel } from "./group-info-panel";
import { MessageList } from "./message-list";
import { useFileDrop } from "./use-attachments";
import { MessageDialogs, useConversationPane } from "./use-conversation-pane";

type GroupConversationProps = {
  groupId: number;
  onBack: () => void;
};

const nobody: readonly number[] = [];

/** A group's conversation, with its info panel on top when opened. Mounted per group. */
export function GroupConversation({ groupId, onBack }: GroupConversationProps) {
  const pane = useConversationPane(groupKey(groupId));
  const { engine, key, selfId, conversation, nameOf, now, firstUnreadSeq, failedToOpen, replyTo, setReplyTo } = pane;
  const { fail, editing, setEditing, selection, setSelection, setForwarding, pickedInOrder, actions, attachments } =
    pane;
  const chat = useChatState((state) => state.chats[key]);
  const typingIds = useChatState((state) => state.typing[key]) ?? nobody;
  const [isInfoOpen, setIsInfoOpen] = useState(false);
  const group = chat?.kind === "group" ? chat.group : null;
  const leftReason = chat?.kind === "group" ? chat.leftReason : null;
  const isGone = conversation.history === "gone";
  const typing = useMemo(() => typingLine(typingIds.map((id) => nameOf(id) ?? "Someone")), [typingIds, nameOf]);
  const drop = useFileDrop(Boolean(group?.is_member) && !isGone, attachments.add);

  return (
    <section
      aria-label={group ? `Group chat ${displayText(group.name)}` : "Group chat"}
      className="chat-wallpaper relative flex min-w-0 flex-1 flex-col"
      {...drop.handlers}
    >
      <GroupHeader
        group={group}
        typingLine={typing}
        onBack={onBack}
        onOpenInfo={isGone ? null : () => setIsInfoOpen(true)}
      />
      <ConnectionBanner className="md:hidden" />
      {isGone ? (
        <ConversationNotice
          role="status"
          text="This group was deleted."
          buttonLabel="Back to chats"
          buttonVariant="secondary"
          onClick={onBack}
        />
      ) : failedToOpen ? (
        <ConversationNotice
          role="alert"
          text="This group couldn't be loaded."
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
          intro={group ? `This is the start of ${displayText(group.name)}.` : "This is the start of the group."}
          nameOf={nameOf}
          showsSenders
          actions={actions}
          canReact={Boolean(group?.is_member) && !isGone}
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
      ) : group?.is_member ? (
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
      ) : (
        group &&
        !isGone && (
          <footer className="shrink-0 bg-panel-muted px-4 py-3 text-center text-sm text-ink-muted">
            <p role="status">
              {leftReason === "removed" && "You were removed. "}
              You&apos;re no longer a member of this group.
            </p>
          </footer>
        )
      )}
      <MessageDialogs pane={pane} />
      {isInfoOpen && group && !isGone && (
        <GroupInfoPanel group={group} selfId={selfId} onClose={() => setIsInfoOpen(false)} />
      )}
    </section>
  );
}
