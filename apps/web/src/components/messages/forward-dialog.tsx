"use client";

import { useMemo, useState } from "react";

import { FORWARD_DEFAULT_MAX_CHATS } from "@parley/validators";

import { useChatEngine, useChatState } from "~/components/chats/chat-engine";
import { useNameOf } from "~/components/chats/use-name-of";
import { Alert } from "~/components/ui/alert";
import { Avatar } from "~/components/ui/avatar";
import { cx } from "~/components/ui/cx";
import { CancelAndConfirm, Dialog } from "~/components/ui/dialog";
import { CheckboxIcon, SearchIcon } from "~/components/ui/icons";
import { Name } from "~/components/ui/name";
import { toApiProblem } from "~/lib/api-error";
import { sortedChats, type ConversationKey } from "~/lib/chat/state";
import { displayText } from "~/lib/display-text";

// The server's default limit; a deployment may lower it, and then its refusal says so.
const MAX_CHATS = FORWARD_DEFAULT_MAX_CHATS;

type ForwardDialogProps = {
  /** In the order they were said: they arrive in that order. */
  messageIds: number[];
  onClose: () => void;
  onForwarded: () => void;
};

type Target = { key: ConversationKey; name: string; seed: string };

/** "Forward to…": recent chats and groups, found by name, up to five at once. */
export function ForwardDialog({ messageIds, onClose, onForwarded }: ForwardDialogProps) {
  const engine = useChatEngine();
  const chats = useChatState((state) => state.chats);
  const conversations = useChatState((state) => state.conversations);
  const blocked = useChatState((state) => state.blocked);
  const profiles = useChatState((state) => state.profiles);
  const nameOf = useNameOf();
  const [query, setQuery] = useState("");
  const [chosen, setChosen] = useState<ConversationKey[]>([]);
  const [isSending, setIsSending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  // Chats one can still write in: not blocked, groups one is still a member of.
  const targets = useMemo<Target[]>(
    () =>
      sortedChats({ chats, conversations }).flatMap((chat): Target[] => {
        if (chat.kind === "group") {
          if (!chat.group?.is_member || chat.leftReason !== null) return [];
          return [{ key: chat.key, name: displayText(chat.group.name), seed: `group:${chat.groupId}` }];
        }
        if (chat.chatId === null || blocked[chat.peerId]) return [];
        const name = nameOf(chat.peerId) ?? "…";
        return [{ key: chat.key, name, seed: profiles[chat.peerId]?.phone_number ?? String(chat.peerId) }];
      }),
    [chats, conversations, blocked, profiles, nameOf],
  );
  const text = query.trim().toLowerCase();
  const shown = text ? targets.filter((target) => target.name.toLowerCase().includes(text)) : targets;
  const isFull = chosen.length >= MAX_CHATS;
  const count = messageIds.length;

  function toggle(key: ConversationKey) {
    setChosen((current) => (current.includes(key) ? current.filter((item) => item !== key) : [...current, key]));
  }

  async function send() {
    setIsSending(true);
    setError(null);
    try {
      await engine.forward(messageIds, chosen);
      onForwarded();
    } catch (cause) {
      setError(toApiProblem(cause).message);
      setIsSending(false);
    }
  }

  const names = chosen.map((key) => targets.find((target) => target.key === key)?.name ?? "").filter(Boolean);

  return (
    <Dialog
      title={count === 1 ? "Forward message to" : `Forward ${count} messages to`}
      description={`Choose up to ${MAX_CHATS} chats.`}
      onClose={onClose}
      actions={
        <CancelAndConfirm
          label="Forward"
          onCancel={onClose}
          onConfirm={() => void send()}
          isPending={isSending}
          isDisabled={chosen.length === 0}
        />
      }
    >
      <label className="relative mt-4 block">
        <span className="sr-only">Search chats to forward to</span>
        <SearchIcon className="pointer-events-none absolute top-1/2 left-3.5 size-4 -translate-y-1/2 text-ink-faint" />
        <input
          type="search"
          value={query}
          onChange={(event) => setQuery(event.target.value)}
          placeholder="Search name"
          autoComplete="off"
          className="h-9 w-full rounded-lg bg-panel-muted pr-3 pl-10 text-[15px] text-ink outline-none placeholder:text-ink-faint focus:bg-field focus:ring-2 focus:ring-accent/40 [&::-webkit-search-cancel-button]:hidden"
        />
      </label>
      <ul aria-label="Chats to forward to" className="-mx-2 mt-3 max-h-[45vh] overflow-y-auto">
        {shown.map((target) => {
          const isChosen = chosen.includes(target.key);
          return (
            <li key={target.key}>
              <button
                type="button"
                role="checkbox"
                aria-checked={isChosen}
                disabled={!isChosen && isFull}
                onClick={() => toggle(target.key)}
                className="flex w-full cursor-pointer items-center gap-3 rounded-lg px-2 py-2 text-left hover:bg-panel-hover disabled:cursor-not-allowed disabled:opacity-50"
              >
                <CheckboxIcon
                  isChecked={isChosen}
                  className={cx("size-5 shrink-0", isChosen ? "text-accent" : "text-ink-faint")}
                />
                <Avatar name={target.name} seed={target.seed} className="size-9" />
                <span className="min-w-0 flex-1 truncate text-[15px] text-ink">
                  <Name>{target.name}</Name>
                </span>
              </button>
            </li>
          );
        })}
        {shown.length === 0 && (
          <li className="px-2 py-6 text-center text-sm text-ink-faint">
            {text ? `No chats match “${query.trim()}”.` : "No chats to forward to yet."}
          </li>
        )}
      </ul>
      <p aria-live="polite" className="mt-3 min-h-5 truncate text-sm text-ink-muted">
        {names.length > 0 && `To ${names.join(", ")}`}
      </p>
      {error && <Alert className="mt-3">{error}</Alert>}
    </Dialog>
  );
}
