"use client";

import { useCallback, useEffect, useRef, useState } from "react";

import type { FoundMessage } from "@parley/sdk";

import { useChatEngine, useChatState } from "~/components/chats/chat-engine";
import { SidePanel } from "~/components/chats/side-panel";
import { useNameOf } from "~/components/chats/use-name-of";
import { Alert } from "~/components/ui/alert";
import { StarIcon } from "~/components/ui/icons";
import { Spinner } from "~/components/ui/spinner";
import { toApiProblem } from "~/lib/api-error";
import type { StarredMessage } from "~/lib/chat/engine";
import type { ConversationKey } from "~/lib/chat/state";
import { useNow } from "~/lib/use-now";

import { FoundMessageRow } from "./found-message-row";

type StarredPanelProps = {
  onClose: () => void;
  onOpen: (key: ConversationKey) => void;
};

type Loaded = { messages: StarredMessage[]; cursor: string | null };

/** Merges pages of starred messages: one per message, most recently starred first. */
function mergeStarred(known: StarredMessage[], incoming: StarredMessage[]): StarredMessage[] {
  const byId = new Map(known.map((item) => [item.message.id, item]));
  for (const item of incoming) byId.set(item.message.id, item);
  return [...byId.values()].sort(
    (a, b) => Date.parse(b.starred_at) - Date.parse(a.starred_at) || b.message.id - a.message.id,
  );
}

/** "Starred messages", over the chat list: what I starred anywhere, most recent first; a click goes there. */
export function StarredPanel({ onClose, onOpen }: StarredPanelProps) {
  const engine = useChatEngine();
  const selfId = useChatState((state) => state.selfId);
  const starred = useChatState((state) => state.starred);
  const nameOf = useNameOf();
  const now = useNow();
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [isLoadingMore, setIsLoadingMore] = useState(false);
  // The stars the list already accounts for: one starred later (here or on another device) means a fresh first page.
  const accountedRef = useRef<ReadonlySet<number> | null>(null);

  // (setState only in the request's callbacks: the effects below just start it.)
  const loadFirstPage = useCallback(() => {
    const accounted = new Set(Object.keys(engine.store.getState().starred).map(Number));
    engine.starredMessages(null).then(
      (page) => {
        accountedRef.current = accounted;
        setError(null);
        setLoaded((current) => ({
          messages: mergeStarred(current?.messages ?? [], page.messages),
          cursor: current ? current.cursor : page.next_cursor,
        }));
      },
      (cause: unknown) => setError(toApiProblem(cause).message),
    );
  }, [engine]);

  useEffect(() => loadFirstPage(), [loadFirstPage]);

  useEffect(() => {
    const accounted = accountedRef.current;
    if (!accounted) return;
    const isNew = Object.keys(starred).some((id) => !accounted.has(Number(id)));
    if (isNew) loadFirstPage();
  }, [starred, loadFirstPage]);

  async function loadMore() {
    if (!loaded?.cursor || isLoadingMore) return;
    setIsLoadingMore(true);
    try {
      const page = await engine.starredMessages(loaded.cursor);
      setLoaded((current) => ({
        messages: mergeStarred(current?.messages ?? [], page.messages),
        cursor: page.next_cursor,
      }));
    } catch (cause) {
      setError(toApiProblem(cause).message);
    } finally {
      setIsLoadingMore(false);
    }
  }

  function open(key: ConversationKey, found: FoundMessage) {
    engine.showMessage(key, found.message.id, found.message.seq);
    onOpen(key);
  }

  // Unstarred since the page was fetched (here, or on another device): gone from the list at once.
  const shown = loaded?.messages.filter((item) => starred[item.message.id]) ?? [];

  return (
    <SidePanel title="Starred messages" onClose={onClose}>
      <div aria-busy={loaded === null && !error}>
        {error && <Alert className="m-3">{error}</Alert>}
        {loaded === null && !error ? (
          <div className="flex justify-center py-8 text-ink-faint">
            <Spinner className="size-6" />
            <span className="sr-only">Loading starred messages</span>
          </div>
        ) : shown.length === 0 && loaded ? (
          <div className="flex flex-col items-center px-10 py-14 text-center text-sm leading-5 text-ink-faint">
            <span className="mb-4 inline-flex size-16 items-center justify-center rounded-full bg-panel-muted">
              <StarIcon className="size-7" />
            </span>
            <p className="text-ink-muted">No starred messages</p>
            <p className="mt-1">Star a message from its menu to find it here.</p>
          </div>
        ) : (
          <ul aria-label="Starred messages list">
            {shown.map((found) => (
              <FoundMessageRow
                key={found.message.id}
                found={found}
                selfId={selfId}
                nameOf={nameOf}
                now={now}
                query={null}
                isStarred
                onOpen={open}
              />
            ))}
          </ul>
        )}
        {loaded?.cursor && (
          <div className="flex justify-center py-3">
            <button
              type="button"
              onClick={() => void loadMore()}
              disabled={isLoadingMore}
              className="inline-flex h-8 cursor-pointer items-center gap-2 rounded-full px-4 text-sm font-medium text-accent-strong hover:bg-panel-hover disabled:cursor-default disabled:opacity-60"
            >
              {isLoadingMore && <Spinner className="size-4" />}
              More starred messages
            </button>
          </div>
        )}
      </div>
    </SidePanel>
  );
}
