import {
  createOutbox,
  indexedDbOutboxStore,
  newClientMsgId,
  UploadError,
  type EnqueueInput,
  type GroupMessageOutput,
  type LocationInput,
  type MediaKind,
  type MessageOutput,
  type Outbox as SdkOutbox,
  type OutboxItem,
  type OutboxRecord,
  type OutboxTarget,
  type ParleyClient,
} from "@parley/sdk";

// Relative, not "~/": the unit tests load this module without the app's path aliases.
import { toApiProblem } from "../../api-error";

import {
  directKey,
  groupKey,
  parseKey,
  toReplyPreview,
  type ConversationKey,
  type OutgoingMedia,
  type OutgoingMessage,
  type ReplyPreview,
  type ThreadMessage,
} from "../state";
import type { ChatContext } from "./context";
import type { LocalPreviews } from "./local-previews";

/** A file to send, as the composer has it. */
export type MediaToSend = {
  file: Blob;
  kind: MediaKind;
  mimeType: string;
  fileName: string | null;
  caption: string;
  width?: number | null;
  height?: number | null;
  durationSeconds?: number | null;
  isVoiceNote?: boolean;
};

/** What the web keeps with an SDK outbox item besides the message: enough to show it again after a reload. */
export type OutboxMeta = { reply_to: ReplyPreview | null; width: number | null; height: number | null };

type OutboxDeps = {
  previews: LocalPreviews;
  /** The open client, or null while the engine is stopped (the outbox then waits). */
  client: () => ParleyClient | null;
  stopTyping: (key: ConversationKey) => void;
  /** The server's copy of a sent message, in through the same path as live ones. */
  receive: (messages: MessageOutput[]) => void;
  receiveGroup: (messages: GroupMessageOutput[]) => void;
  /** Sends one item: encrypted into an encrypted conversation. */
  deliver: (client: ParleyClient, record: OutboxRecord<OutboxMeta>) => Promise<MessageOutput | GroupMessageOutput>;
};

export const targetOf = (key: ConversationKey): OutboxTarget => {
  const { kind, id } = parseKey(key);
  return kind === "group" ? { group_id: id } : { receiver_id: id };
};

export const keyOf = (to: OutboxTarget): ConversationKey =>
  "group_id" in to ? groupKey(to.group_id) : directKey(to.receiver_id);

/** The SDK's item for a message shown in the outbox: the same client_msg_id, body, file and reply. */
export function toEnqueueInput(key: ConversationKey, message: OutgoingMessage): EnqueueInput<OutboxMeta> {
  const { media, location } = message;
  const place: LocationInput | null = location
    ? {
        latitude: location.latitude,
        longitude: location.longitude,
        ...(location.name ? { name: location.name } : {}),
      }
    : null;
  return {
    client_msg_id: message.client_msg_id,
    to: targetOf(key),
    message: {
      message_type: message.message_type,
      ...(message.content ? { content: message.content } : {}),
      ...(media?.media_id ? { media_id: media.media_id } : {}),
      ...(place ? { location: place } : {}),
      ...(message.reply_to ? { reply_to_message_id: message.reply_to.id } : {}),
    },
    ...(media
      ? {
          file: {
            body: media.file,
            kind: media.kind,
            mime_type: media.mime_type,
            ...(media.file_name ? { file_name: media.file_name } : {}),
            is_voice_note: media.is_voice_note,
            ...(media.duration_seconds !== null ? { duration_seconds: media.duration_seconds } : {}),
          },
        }
      : {}),
    meta: { reply_to: message.reply_to, width: media?.width ?? null, height: media?.height ?? null },
  };
}

/**
 * An item the SDK kept from before a reload, as the outbox shows it again (clock icon).
 * `previewOf` makes the object URL a photo or video plays from.
 */
export function toOutgoing(item: OutboxItem<OutboxMeta>, previewOf: (file: Blob) => string): OutgoingMessage {
  const { file, message, meta } = item;
  let media: OutgoingMedia | null = null;
  if (file) {
    const blob = file.body instanceof Blob ? file.body : new Blob([file.body as Uint8Array<ArrayBuffer>]);
    media = {
      kind: file.kind,
      file: blob,
      file_name: file.file_name ?? null,
      mime_type: file.mime_type,
      size: blob.size,
      preview_url: file.kind === "document" ? null : previewOf(blob),
      width: meta?.width ?? null,
      height: meta?.height ?? null,
      duration_seconds: file.duration_seconds ?? null,
      is_voice_note: file.is_voice_note ?? false,
      stage: message.media_id ? null : "uploading",
      progress: 0,
      media_id: message.media_id ?? null,
    };
  }
  return {
    client_msg_id: item.client_msg_id,
    message_type: message.message_type ?? "text",
    content: message.content ?? "",
    media,
    location: message.location
      ? {
          latitude: message.location.latitude,
          longitude: message.location.longitude,
          name: message.location.name ?? null,
        }
      : null,
    reply_to: meta?.reply_to ?? null,
    created_at: item.created_at,
    state: "pending",
    error: null,
    can_retry: true,
  };
}

/** A failed item as the bubble says it: the sentence, and whether sending again can help. */
export function failureOf(item: Pick<OutboxItem, "error" | "failed_in">): { error: string; canRetry: boolean } {
  if (item.error instanceof UploadError) return { error: item.error.message, canRetry: true };
  const problem = toApiProblem(item.error);
  // The file itself was refused (wrong type, empty, too large): the same bytes would be refused again.
  const isFileRefused =
    item.failed_in === "upload" && (problem.code === "BAD_REQUEST" || problem.code === "PAYLOAD_TOO_LARGE");
  return { error: problem.message, canRetry: !isFileRefused };
}

/** The fraction of an upload to show, or null when the bar wouldn't move a percent since `shown`. */
export function progressToShow(progress: OutboxItem["progress"], shown: number): number | null {
  if (!progress || progress.stage !== "uploading") return null;
  const fraction = progress.total > 0 ? progress.loaded / progress.total : 0;
  // A store update per percent is plenty for a progress bar.
  return fraction - shown < 0.01 && fraction < 1 ? null : fraction;
}

/**
 * Messages typed here until the server has them, shown at once (clock icon). The SDK's outbox
 * does the work: files upload side by side, messages go in the order typed, a dropped socket
 * only delays them, a reload sends what was left (IndexedDB), and the client_msg_id keeps any
 * of it from arriving twice. This turns its reports into store actions.
 */
export class Outbox {
  readonly #ctx: ChatContext;
  readonly #deps: OutboxDeps;
  #sdk: SdkOutbox<OutboxMeta> | null = null;
  /** Per item, the upload fraction last shown. */
  readonly #shownProgress = new Map<string, number>();

  constructor(ctx: ChatContext, deps: OutboxDeps) {
    this.#ctx = ctx;
    this.#deps = deps;
  }

  /** From start(): the first time, what a previous visit left unsent is shown again and goes out. */
  open() {
    if (this.#sdk) this.#sdk.wake();
    else void this.#outbox();
  }

  /** Online again: messages waiting to retry go now. */
  wake() {
    this.#sdk?.wake();
  }

  /** Sends at once on screen (clock icon), then for real; a dropped socket just delays it. */
  send(key: ConversationKey, content: string, replyTo: ThreadMessage | null) {
    this.#enqueue(key, { message_type: "text", content, media: null, location: null }, replyTo);
  }

  /** A photo, video, audio or document: shown at once with its progress, uploaded, checked, then sent. */
  sendMedia(key: ConversationKey, toSend: MediaToSend, replyTo: ThreadMessage | null) {
    const { file, kind } = toSend;
    const media: OutgoingMedia = {
      kind,
      file,
      file_name: toSend.fileName,
      mime_type: toSend.mimeType,
      size: file.size,
      // Plays or shows from memory, before (and instead of) fetching the server's copy.
      preview_url: kind === "document" ? null : URL.createObjectURL(file),
      width: toSend.width ?? null,
      height: toSend.height ?? null,
      duration_seconds: toSend.durationSeconds ?? null,
      is_voice_note: toSend.isVoiceNote ?? false,
      stage: "uploading",
      progress: 0,
      media_id: null,
    };
    this.#enqueue(key, { message_type: kind, content: toSend.caption.trim(), media, location: null }, replyTo);
  }

  sendLocation(key: ConversationKey, location: LocationInput, replyTo: ThreadMessage | null) {
    const place = { latitude: location.latitude, longitude: location.longitude, name: location.name || null };
    this.#enqueue(key, { message_type: "location", content: "", media: null, location: place }, replyTo);
  }

  retry(key: ConversationKey, clientMsgId: string) {
    const message = this.#outgoing(key, clientMsgId);
    if (!message || message.state === "pending") return;
    this.#ctx.dispatch({ type: "outbox_updated", key, clientMsgId, state: "pending", error: null });
    const outbox = this.#outbox();
    // Not known to the SDK any more (it gave the item back): in line again, with the same client_msg_id.
    if (!outbox.retry(clientMsgId)) outbox.enqueue(toEnqueueInput(key, message));
  }

  /** Takes back a message not sent yet; an upload under way is stopped, so nothing is sent. */
  discard(key: ConversationKey, clientMsgId: string) {
    this.#sdk?.remove(clientMsgId);
    this.#shownProgress.delete(clientMsgId);
    const preview = this.#outgoing(key, clientMsgId)?.media?.preview_url;
    // Still needed if the checked upload is on screen as a sent photo.
    if (preview) this.#deps.previews.release(preview);
    this.#ctx.dispatch({ type: "outbox_removed", key, clientMsgId });
  }

  /** Made at first use, in the browser: IndexedDB per user, so nobody sends another's messages. */
  #outbox(): SdkOutbox<OutboxMeta> {
    this.#sdk ??= createOutbox<OutboxMeta>({
      getClient: this.#deps.client,
      store: indexedDbOutboxStore(`parley-outbox:${this.#ctx.selfId}`),
      onRestore: (items) => {
        for (const item of items) {
          this.#ctx.dispatch({
            type: "outbox_added",
            key: keyOf(item.to),
            message: toOutgoing(item, (file) => URL.createObjectURL(file)),
          });
        }
      },
      onUpdate: (item) => this.#updated(item),
      deliver: this.#deps.deliver,
    });
    return this.#sdk;
  }

  #outgoing(key: ConversationKey, clientMsgId: string): OutgoingMessage | undefined {
    return this.#ctx.getState().conversations[key]?.outbox.find((item) => item.client_msg_id === clientMsgId);
  }

  #enqueue(
    key: ConversationKey,
    body: Pick<OutgoingMessage, "message_type" | "content" | "media" | "location">,
    replyTo: ThreadMessage | null,
  ) {
    const message: OutgoingMessage = {
      ...body,
      client_msg_id: newClientMsgId(),
      reply_to: replyTo ? toReplyPreview(replyTo) : null,
      created_at: new Date().toISOString(),
      state: "pending",
      error: null,
      can_retry: true,
    };
    this.#deps.stopTyping(key);
    this.#ctx.dispatch({ type: "outbox_added", key, message });
    this.#outbox().enqueue(toEnqueueInput(key, message));
  }

  #updated(item: OutboxItem<OutboxMeta>) {
    const ctx = this.#ctx;
    const key = keyOf(item.to);
    const clientMsgId = item.client_msg_id;
    const shown = this.#outgoing(key, clientMsgId);
    if (shown?.media && item.message.media_id && shown.media.media_id === null) {
      // Checked: a retry from here only sends the message again.
      if (shown.media.preview_url) this.#deps.previews.keep(item.message.media_id, shown.media.preview_url);
      ctx.dispatch({
        type: "outbox_media_updated",
        key,
        clientMsgId,
        media: { stage: null, media_id: item.message.media_id },
      });
    }
    switch (item.state) {
      case "uploading": {
        if (item.progress?.stage === "checking") {
          ctx.dispatch({ type: "outbox_media_updated", key, clientMsgId, media: { stage: "checking", progress: 1 } });
          return;
        }
        const fraction = progressToShow(item.progress, this.#shownProgress.get(clientMsgId) ?? 0);
        if (fraction === null) return;
        this.#shownProgress.set(clientMsgId, fraction);
        ctx.dispatch({
          type: "outbox_media_updated",
          key,
          clientMsgId,
          media: { stage: "uploading", progress: fraction },
        });
        return;
      }
      case "sent":
        this.#shownProgress.delete(clientMsgId);
        if (!item.sent) return;
        if (!ctx.isOpen()) {
          // Answered after stop(): into the store without the loads a live message asks for.
          if ("group_id" in item.sent) ctx.dispatch({ type: "group_messages_received", messages: [item.sent] });
          else ctx.dispatch({ type: "messages_received", messages: [item.sent] });
        } else if ("group_id" in item.sent) this.#deps.receiveGroup([item.sent]);
        else this.#deps.receive([item.sent]);
        return;
      case "failed": {
        this.#shownProgress.delete(clientMsgId);
        if (ctx.isSessionEnded(item.error)) return;
        const { error, canRetry } = failureOf(item);
        if (shown?.media) ctx.dispatch({ type: "outbox_media_updated", key, clientMsgId, media: { stage: null } });
        ctx.dispatch({ type: "outbox_updated", key, clientMsgId, state: "failed", error, canRetry });
        return;
      }
      case "queued":
      case "sending":
        return;
    }
  }
}
