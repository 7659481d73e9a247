"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useSession } from "next-auth/react";
import { createContext, use, useEffect, useState, useSyncExternalStore, type ReactNode } from "react";

import { ChatEngine } from "~/lib/chat/engine";
import { endWebSession } from "~/lib/end-web-session";
import type { ChatState } from "~/lib/chat/state";
import { useTRPC } from "~/trpc/react";

const ChatEngineContext = createContext<ChatEngine | null>(null);

type ChatEngineProviderProps = {
  selfId: number;
  publicWsUrl: string | null;
  children: ReactNode;
};

/** One chat engine (one WebSocket) for the signed-in tab. */
export function ChatEngineProvider({ selfId, publicWsUrl, children }: ChatEngineProviderProps) {
  const { data: session } = useSession();
  const token = session?.apiToken ?? null;
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  // Inert until started, so a render React throws away opens nothing.
  const [engine] = useState(
    () =>
      new ChatEngine({
        selfId,
        publicWsUrl,
        onSessionEnded: () => void endWebSession(),
        // The contact list is a query of its own (people screens); the event only says to fetch it again.
        onContactsChanged: () => void queryClient.invalidateQueries(trpc.contact.list.queryFilter()),
      }),
  );

  // Declared before the start effect: the socket's first connect must carry the token.
  useEffect(() => engine.setToken(token), [engine, token]);

  useEffect(() => {
    engine.start();
    return () => engine.stop();
  }, [engine]);

  return <ChatEngineContext value={engine}>{children}</ChatEngineContext>;
}

export function useChatEngine(): ChatEngine {
  const engine = use(ChatEngineContext);
  if (!engine) throw new Error("useChatEngine needs a ChatEngineProvider");
  return engine;
}

/** A slice of the chat state; the selector must return stored values (or primitives), not new objects. */
export function useChatState<T>(selector: (state: ChatState) => T): T {
  const engine = useChatEngine();
  const read = () => selector(engine.store.getState());
  return useSyncExternalStore(engine.store.subscribe, read, read);
}
