import { type AnyColumn, type SQL, sql } from "drizzle-orm";

import type { ChatListItem } from "@parley/validators";

/**
 * The chat list mixes 1:1 chats and groups, ordered by (time, type, id) descending, so one
 * cursor pages both: rows strictly after it in that order come next.
 */
export type ChatCursor = { at: Date; type: ChatListItem["type"]; id: number };

export function encodeCursor(cursor: ChatCursor): string {
  return Buffer.from(`${cursor.at.toISOString()}|${cursor.type}|${cursor.id}`).toString("base64url");
}

export function decodeCursor(cursor: string): ChatCursor | null {
  const [at, type, id] = Buffer.from(cursor, "base64url").toString().split("|");
  const date = new Date(at ?? "");
  if (Number.isNaN(date.getTime()) || (type !== "direct" && type !== "group") || !/^\d+$/.test(id ?? "")) return null;
  return { at: date, type, id: Number(id) };
}

/** Whether a row sorts after the cursor: earlier, or as early and lower in (type, id). */
export function afterCursor(cursor: ChatCursor, type: ChatListItem["type"], at: SQL | AnyColumn, id: AnyColumn): SQL {
  const cursorAt = sql`${cursor.at.toISOString()}::timestamptz`;
  if (type > cursor.type) return sql`${at} < ${cursorAt}`;
  const sameTime = type < cursor.type ? sql`true` : sql`${id} < ${cursor.id}`;
  return sql`(${at} < ${cursorAt} or (${at} = ${cursorAt} and ${sameTime}))`;
}
