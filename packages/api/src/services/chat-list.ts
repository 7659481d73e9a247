import { TRPCError } from "@trpc/server";

import { schema } from "@parley/db";
import type { ChatListItem } from "@parley/validators";

import type { Deps } from "../runtime";
import { selectDirectChats } from "./chats";
import { afterCursor, decodeCursor, encodeCursor } from "./conversation/chat-list-cursor";
import { selectGroupChats } from "./groups";

/** The caller's 1:1 chats and groups, most recent first, keyset-paged on (time, type, id). */
export async function listChats(deps: Deps, userId: number, input: { limit: number; cursor?: string }) {
  const cursor = input.cursor ? decodeCursor(input.cursor) : null;
  if (input.cursor && !cursor)
    throw new TRPCError({ code: "BAD_REQUEST", message: "This cursor is not one we gave out." });
  const [direct, groups] = await Promise.all([
    selectDirectChats(
      deps,
      userId,
      cursor ? afterCursor(cursor, "direct", schema.chats.lastMessageAt, schema.chats.id) : undefined,
      input.limit + 1,
    ),
    selectGroupChats(deps, userId, cursor, input.limit + 1),
  ]);
  const rows: { chat: ChatListItem; sortKey: Date }[] = [...direct, ...groups].sort(
    (a, b) =>
      b.sortKey.getTime() - a.sortKey.getTime() || b.chat.type.localeCompare(a.chat.type) || b.chat.id - a.chat.id,
  );
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    chats: page.map((row) => row.chat),
    next_cursor:
      rows.length > input.limit && last
        ? encodeCursor({ at: last.sortKey, type: last.chat.type, id: last.chat.id })
        : null,
  };
}
