import type { LiveSubscription, ParleyEvent, Receipts } from "@parley/sdk";

import { writeEventCursor } from "../event-cursor";
import { sleep, type ChatContext } from "./context";

const RESUBSCRIBE_DELAY_MS = 2_000;

type LiveStreamDeps = {
  handleEvent: (event: ParleyEvent) => void;
  /** The client's receipts: live messages are acknowledged in the same batches as loaded ones. */
  receipts: () => Receipts | null;
  /** Online again after a drop: presence and typing are not replayed, so what is on screen is fetched again. */
  onReconnected: (generation: number) => void;
};

/**
 * The live event stream on the engine's socket, and the page's own signals
 * (seen or hidden, online or offline) that go with it into the store.
 */
export class LiveStream {
  readonly #ctx: ChatContext;
  readonly #deps: LiveStreamDeps;
  #subscription: LiveSubscription | null = null;
  #hasBeenOnline = false;
  #socketState: "connecting" | "pending" | "idle" = "connecting";

  constructor(ctx: ChatContext, deps: LiveStreamDeps) {
    this.#ctx = ctx;
    this.#deps = deps;
  }

  /** Follows the page's visibility and the browser's connectivity; returns how to stop. */
  watchPage(): () => void {
    const ctx = this.#ctx;
    const onVisibility = () => ctx.dispatch({ type: "visibility", isVisible: document.visibilityState === "visible" });
    const onOffline = () => ctx.dispatch({ type: "connection", state: "offline" });
    const onOnline = () => {
      // The socket may have survived a short outage; else it is reconnecting now.
      if (ctx.getState().connection === "offline") {
        ctx.dispatch({ type: "connection", state: this.#socketState === "pending" ? "online" : "connecting" });
      }
    };
    onVisibility();
    if (!navigator.onLine) onOffline();
    document.addEventListener("visibilitychange", onVisibility);
    window.addEventListener("offline", onOffline);
    window.addEventListener("online", onOnline);
    return () => {
      document.removeEventListener("visibilitychange", onVisibility);
      window.removeEventListener("offline", onOffline);
      window.removeEventListener("online", onOnline);
    };
  }

  /** Subscribes from an event id, telling the SDK the seq held for each chat and group so it fills gaps. */
  subscribe(lastEventId: string | null) {
    const ctx = this.#ctx;
    const generation = ctx.generation();
    const chatSeqs: [number, number][] = [];
    const groupSeqs: [number, number][] = [];
    for (const chat of Object.values(ctx.getState().chats)) {
      if (chat?.kind === "direct" && chat.chatId !== null) chatSeqs.push([chat.chatId, chat.lastSeq]);
      if (chat?.kind === "group") groupSeqs.push([chat.groupId, chat.lastSeq]);
    }
    this.#subscription = ctx.api().subscribeEvents({
      selfUserId: ctx.selfId,
      receipts: this.#deps.receipts() ?? undefined,
      lastEventId,
      chatSeqs,
      groupSeqs,
      onEvent: (event, id) => {
        if (!ctx.isCurrent(generation)) return;
        if (id !== null) writeEventCursor(ctx.selfId, id);
        this.#deps.handleEvent(event);
      },
      onStateChange: (state) => {
        if (!ctx.isCurrent(generation)) return;
        this.#socketState = state;
        if (state === "pending") this.#wentOnline(generation);
        else if (state === "connecting" && ctx.getState().connection !== "offline") {
          ctx.dispatch({ type: "connection", state: "connecting" });
        }
      },
      onError: (error) => {
        if (!ctx.isCurrent(generation)) return;
        if (ctx.isSessionEnded(error)) return;
        // The stream (or a gap fill inside it) failed: start it again from the last event handled.
        const resumeFrom = this.#subscription?.lastEventId ?? lastEventId;
        this.#subscription?.unsubscribe();
        this.#subscription = null;
        void sleep(RESUBSCRIBE_DELAY_MS).then(() => {
          if (ctx.isCurrent(generation) && !this.#subscription) this.subscribe(resumeFrom);
        });
      },
    });
  }

  /** A chat's history loaded up to a seq: the SDK fills any gap before its next live message. */
  noteChatSeq(chatId: number, seq: number) {
    this.#subscription?.noteChatSeq(chatId, seq);
  }

  /** The stream catches up on a group from the seq we hold (and fills gaps after it). */
  noteGroupSeq(groupId: number, seq: number) {
    this.#subscription?.noteGroupSeq(groupId, seq);
  }

  close() {
    this.#subscription?.unsubscribe();
    this.#subscription = null;
    this.#socketState = "connecting";
  }

  #wentOnline(generation: number) {
    const wasOnline = this.#hasBeenOnline;
    this.#hasBeenOnline = true;
    this.#ctx.dispatch({ type: "connection", state: "online" });
    if (wasOnline) this.#deps.onReconnected(generation);
  }
}
