"use client";

import type { FoundMessage } from "@parley/sdk";

import { useChatEngine, useChatState } from "~/components/chats/chat-engine";
import { useNameOf } from "~/components/chats/use-name-of";
import { Alert } from "~/components/ui/alert";
import { Spinner } from "~/components/ui/spinner";
import { isEncryptedChat, type ConversationKey } from "~/lib/chat/state";

import { FoundMessageRow } from "./found-message-row";
import type { useMessageSearch } from "./use-message-search";

type MessageSearchResultsProps = {
  query: string;
  search: ReturnType<typeof useMessageSearch>;
  now: Date;
  onOpen: (key: ConversationKey) => void;
};

/** "Messages" under the matching chats: where the words were said, newest first; a click goes there. */
export function MessageSearchResults({ query, search, now, onOpen }: MessageSearchResultsProps) {
  const engine = useChatEngine();
  const selfId = useChatState((state) => state.selfId);
  const hasEncryptedChats = useChatState((state) => Object.values(state.chats).some((chat) => isEncryptedChat(chat)));
  const nameOf = useNameOf();

  function open(key: ConversationKey, found: FoundMessage) {
    engine.showMessage(key, found.message.id, found.message.seq);
    onOpen(key);
  }

  return (
    <section aria-label="Messages" aria-busy={search.isSearching} className="pb-4">
      <h3 className="px-4 pt-4 pb-2 text-[13px] font-medium tracking-wide text-accent-strong uppercase">Messages</h3>
      {search.error && <Alert className="mx-3 mb-2">{search.error}</Alert>}
      {hasEncryptedChats && (
        <p role="note" className="px-4 pb-2 text-[13px] leading-5 text-ink-faint">
          Messages in end-to-end encrypted chats aren&rsquo;t searched yet: only their chat names are.
        </p>
      )}
      {search.isSearching ? (
        <div className="flex justify-center py-4 text-ink-faint">
          <Spinner className="size-5" />
          <span className="sr-only">Searching messages</span>
        </div>
      ) : search.messages.length === 0 ? (
        !search.error && <p className="px-4 py-3 text-sm text-ink-faint">No messages found.</p>
      ) : (
        <ul aria-label="Messages found">
          {search.messages.map((found) => (
            <FoundMessageRow
              key={found.message.id}
              found={found}
              selfId={selfId}
              nameOf={nameOf}
              now={now}
              query={query}
              onOpen={open}
            />
          ))}
        </ul>
      )}
      {search.hasMore && !search.isSearching && (
        <div className="flex justify-center pt-3">
          <button
            type="button"
            onClick={search.loadMore}
            disabled={search.isLoadingMore}
            className="inline-flex h-8 cursor-pointer items-center gap-2 rounded-full px-4 text-sm font-medium text-accent-strong hover:bg-panel-hover disabled:cursor-default disabled:opacity-60"
          >
            {search.isLoadingMore && <Spinner className="size-4" />}
            More messages
          </button>
        </div>
      )}
    </section>
  );
}
