"use client";

import { useCallback, useEffect, useState } from "react";

import type { FoundMessage } from "@parley/sdk";

import { useChatEngine } from "~/components/chats/chat-engine";
import { toApiProblem } from "~/lib/api-error";
import { searchWords } from "~/lib/chat/search-text";

// Typing pauses this long before the search goes out.
const DEBOUNCE_MS = 300;

type Results = {
  query: string;
  messages: FoundMessage[];
  cursor: string | null;
  error: string | null;
};

/**
 * The messages matching what is typed in the search box, newest first, a page at a time.
 * A search with no word in it (only spaces or punctuation) asks nothing.
 */
export function useMessageSearch(query: string) {
  const engine = useChatEngine();
  const text = query.trim();
  const isActive = searchWords(text).length > 0;
  const [results, setResults] = useState<Results | null>(null);
  const [isLoadingMore, setIsLoadingMore] = useState(false);

  useEffect(() => {
    if (!isActive) return;
    let isCurrent = true;
    const timer = setTimeout(() => {
      engine
        .searchMessages(text, null)
        .then((page) => {
          if (isCurrent) setResults({ query: text, messages: page.messages, cursor: page.next_cursor, error: null });
        })
        .catch((cause: unknown) => {
          if (isCurrent) setResults({ query: text, messages: [], cursor: null, error: toApiProblem(cause).message });
        });
    }, DEBOUNCE_MS);
    return () => {
      isCurrent = false;
      clearTimeout(timer);
    };
  }, [engine, text, isActive]);

  const current = isActive && results?.query === text ? results : null;

  const loadMore = useCallback(async () => {
    if (!current?.cursor || isLoadingMore) return;
    setIsLoadingMore(true);
    try {
      const page = await engine.searchMessages(current.query, current.cursor);
      setResults((latest) =>
        latest?.query === current.query
          ? {
              ...latest,
              // A message may move between pages while new ones arrive: keep one of each.
              messages: [
                ...latest.messages,
                ...page.messages.filter(
                  (found) => !latest.messages.some((known) => known.message.id === found.message.id),
                ),
              ],
              cursor: page.next_cursor,
            }
          : latest,
      );
    } catch (cause) {
      setResults((latest) =>
        latest?.query === current.query ? { ...latest, error: toApiProblem(cause).message } : latest,
      );
    } finally {
      setIsLoadingMore(false);
    }
  }, [engine, current, isLoadingMore]);

  return {
    isActive,
    isSearching: isActive && current === null,
    messages: current?.messages ?? [],
    hasMore: Boolean(current?.cursor),
    error: current?.error ?? null,
    isLoadingMore,
    loadMore: () => void loadMore(),
  };
}
