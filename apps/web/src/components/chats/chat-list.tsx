"use client";

import { useCallback, useEffect, useMemo, useRef, useState } from "react";

import { MessageSearchResults } from "~/components/messages/message-search-results";
import { StarredPanel } from "~/components/messages/starred-panel";
import { useContactNames } from "~/components/people/use-contacts";
import { useMessageSearch } from "~/components/messages/use-message-search";
import { Alert } from "~/components/ui/alert";
import { cx } from "~/components/ui/cx";
import { typingLine, type NameOf } from "~/lib/chat/group-text";
import { sortedChats, type ChatState, type ChatSummary, type ConversationKey } from "~/lib/chat/state";
import { useNow } from "~/lib/use-now";

import { useChatEngine, useChatState } from "./chat-engine";
import { ChatListItem } from "./chat-list-item";
import { ChatSearch } from "./chat-search";
import { displayName } from "./display-name";
import { EmptyChats } from "./empty-chats";

type Filter = "all" | "unread";

type ChatListProps = {
  active: ConversationKey | null;
  onOpen: (key: ConversationKey) => void;
  onNewChat: (phone?: string) => void;
};

/**
 * Search, the All / Unread filter and the chats and groups, newest first. A search shows the
 * matching chats and then the messages with those words; ★ opens the starred messages over the list.
 */
export function ChatList({ active, onOpen, onNewChat }: ChatListProps) {
  const engine = useChatEngine();
  const chats = useChatState((state) => state.chats);
  const conversations = useChatState((state) => state.conversations);
  const profiles = useChatState((state) => state.profiles);
  const typing = useChatState((state) => state.typing);
  const selfId = useChatState((state) => state.selfId);
  const listState = useChatState((state) => state.chatList);
  const now = useNow();
  const [query, setQuery] = useState("");
  const [filter, setFilter] = useState<Filter>("all");
  const [isStarredOpen, setIsStarredOpen] = useState(false);
  const search = useMessageSearch(query);

  const all = useMemo(() => sortedChats({ chats, conversations }), [chats, conversations]);
  // Contact names count as names: a name saved just now finds its chat at once.
  const contactNames = useContactNames();
  const shown = useMemo(
    () => all.filter((chat) => (filter === "all" || chat.unreadCount > 0) && matches(chat, profiles, query)),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- contactNames changes what displayName returns
    [all, filter, profiles, query, contactNames],
  );
  // eslint-disable-next-line react-hooks/exhaustive-deps -- as above
  const nameOf: NameOf = useCallback((userId) => displayName(profiles[userId]) || null, [profiles, contactNames]);
  const queryDigits = query.replace(/\D/g, "");
  const loadMore = useCallback(() => void engine.loadMoreChats(), [engine]);
  const isFiltering = query.trim() !== "" || filter !== "all";

  return (
    <>
      <ChatSearch value={query} onChange={setQuery} onOpenStarred={() => setIsStarredOpen(true)} />
      <div role="group" aria-label="Filter chats" className="flex gap-2 px-3 pt-1 pb-2">
        {(["all", "unread"] as const).map((value) => (
          <button
            key={value}
            type="button"
            aria-pressed={filter === value}
            onClick={() => setFilter(value)}
            className={cx(
              "h-8 cursor-pointer rounded-full px-3 text-sm transition-colors",
              filter === value
                ? "bg-accent-soft font-medium text-accent-strong"
                : "bg-panel-muted text-ink-muted hover:bg-panel-hover",
            )}
          >
            {value === "all" ? "All" : "Unread"}
          </button>
        ))}
      </div>

      {listState.status === "error" && (
        <Alert className="mx-3 mb-2">
          {listState.error}{" "}
          <button type="button" onClick={() => engine.retryChats()} className="cursor-pointer font-medium underline">
            Try again
          </button>
        </Alert>
      )}

      <div className="min-h-0 flex-1 overflow-y-auto">
        {listState.status === "loading" && all.length === 0 ? (
          <ChatListSkeleton />
        ) : all.length === 0 && listState.status === "ready" ? (
          <EmptyChats onNewChat={() => onNewChat()} />
        ) : (
          <>
            {search.isActive && shown.length > 0 && (
              <h3 className="px-4 pt-2 pb-2 text-[13px] font-medium tracking-wide text-accent-strong uppercase">
                Chats
              </h3>
            )}
            <ul aria-label="Chat list">
              {shown.map((chat) => (
                <ChatListItem
                  key={chat.key}
                  chat={chat}
                  {...describeChat(chat, profiles)}
                  outgoing={conversations[chat.key]?.outbox.at(-1)}
                  typingLine={whoIsTyping(chat, typing[chat.key] ?? [], nameOf)}
                  isActive={chat.key === active}
                  selfId={selfId}
                  nameOf={nameOf}
                  now={now}
                  onOpen={onOpen}
                />
              ))}
            </ul>
            {shown.length === 0 && isFiltering && (
              <div
                className={cx(
                  "text-sm text-ink-faint",
                  // Messages may still match: a line, not the whole empty screen.
                  search.isActive ? "px-4 pt-3" : "px-8 py-10 text-center",
                )}
              >
                <p>{query.trim() ? `No chats match “${query.trim()}”.` : "No unread chats."}</p>
                {queryDigits.length >= 7 && (
                  <button
                    type="button"
                    onClick={() => onNewChat(query.trim())}
                    className="mt-3 cursor-pointer font-medium text-accent-strong hover:underline"
                  >
                    Look up {query.trim()} on Parley
                  </button>
                )}
              </div>
            )}
            {search.isActive && <MessageSearchResults query={query} search={search} now={now} onOpen={onOpen} />}
            {!isFiltering && listState.cursor && <LoadMore onVisible={loadMore} />}
          </>
        )}
      </div>
      {isStarredOpen && <StarredPanel onClose={() => setIsStarredOpen(false)} onOpen={onOpen} />}
    </>
  );
}

/** A row's name and avatar: the person's, or the group's. */
function describeChat(chat: ChatSummary, profiles: ChatState["profiles"]) {
  if (chat.kind === "group") {
    return {
      title: chat.group?.name ?? null,
      avatar: { name: chat.group?.name, seed: `group:${chat.groupId}` },
    };
  }
  const profile = profiles[chat.peerId];
  return {
    title: profile ? displayName(profile) : null,
    avatar: { name: profile?.full_name, seed: profile?.phone_number ?? String(chat.peerId) },
  };
}

function whoIsTyping(chat: ChatSummary, userIds: readonly number[], nameOf: NameOf): string | null {
  if (userIds.length === 0) return null;
  if (chat.kind === "direct") return "typing…";
  return typingLine(userIds.map((id) => nameOf(id) ?? "Someone"));
}

function matches(chat: ChatSummary, profiles: ChatState["profiles"], query: string): boolean {
  const text = query.trim().toLowerCase();
  if (!text) return true;
  if (chat.kind === "group") return (chat.group?.name ?? "").toLowerCase().includes(text);
  const profile = profiles[chat.peerId];
  if (!profile) return false;
  const digits = text.replace(/\D/g, "");
  return (
    displayName(profile).toLowerCase().includes(text) ||
    (profile.full_name ?? "").toLowerCase().includes(text) ||
    (digits.length >= 3 && profile.phone_number.replace(/\D/g, "").includes(digits))
  );
}

/** Loads the next page of chats when the end of the list scrolls into view. */
function LoadMore({ onVisible }: { onVisible: () => void }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) onVisible();
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [onVisible]);
  return <div ref={ref} aria-hidden="true" className="h-8" />;
}

function ChatListSkeleton() {
  return (
    <div aria-busy="true" aria-label="Loading chats" className="animate-pulse">
      {[0, 1, 2, 3].map((row) => (
        <div key={row} className="flex h-[72px] items-center gap-3 px-3">
          <span className="size-12 shrink-0 rounded-full bg-panel-muted" />
          <span className="flex flex-1 flex-col gap-2">
            <span className="h-3.5 w-2/5 rounded bg-panel-muted" />
            <span className="h-3 w-3/4 rounded bg-panel-muted" />
          </span>
        </div>
      ))}
    </div>
  );
}
