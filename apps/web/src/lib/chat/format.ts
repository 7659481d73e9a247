/**
 * Dates and times the way a messenger shows them, in the reader's own locale
 * and time zone: "2:05 PM" on a bubble, "Yesterday" in the chat list,
 * "last seen today at 2:05 PM" under a name.
 */

const DAY_MS = 24 * 60 * 60 * 1000;

const time = new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit" });
const weekday = new Intl.DateTimeFormat(undefined, { weekday: "long" });
const shortDate = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "numeric", year: "numeric" });
const longDate = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "long", year: "numeric" });
const longDateThisYear = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "long" });

function startOfDay(date: Date): number {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();
}

/** Whole calendar days from `date` to `now` (0 = today, 1 = yesterday). */
export function daysAgo(date: Date, now: Date): number {
  return Math.round((startOfDay(now) - startOfDay(date)) / DAY_MS);
}

/** "2025-11-27": groups messages by the reader's calendar day. */
export function dayKey(iso: string): string {
  const date = new Date(iso);
  return `${date.getFullYear()}-${date.getMonth() + 1}-${date.getDate()}`;
}

export function formatTime(iso: string): string {
  return time.format(new Date(iso));
}

/** The chat list's right-hand column. */
export function formatChatTime(iso: string, now: Date): string {
  const date = new Date(iso);
  const days = daysAgo(date, now);
  if (days <= 0) return time.format(date);
  if (days === 1) return "Yesterday";
  if (days < 7) return weekday.format(date);
  return shortDate.format(date);
}

/** The separator between days in a conversation. */
export function formatDayLabel(iso: string, now: Date): string {
  const date = new Date(iso);
  const days = daysAgo(date, now);
  if (days <= 0) return "Today";
  if (days === 1) return "Yesterday";
  if (days < 7) return weekday.format(date);
  return date.getFullYear() === now.getFullYear() ? longDateThisYear.format(date) : longDate.format(date);
}

/** Under the name in a conversation header. */
export function formatLastSeen(lastSeen: string | null, now: Date): string | null {
  if (!lastSeen) return null;
  const date = new Date(lastSeen);
  const days = daysAgo(date, now);
  if (days <= 0) return `last seen today at ${time.format(date)}`;
  if (days === 1) return `last seen yesterday at ${time.format(date)}`;
  if (days < 7) return `last seen ${weekday.format(date)} at ${time.format(date)}`;
  return `last seen ${shortDate.format(date)}`;
}

/** When a message reached someone or was read by them: "Today, 2:05 PM". */
export function formatReceiptTime(iso: string, now: Date): string {
  return `${formatDayLabel(iso, now)}, ${formatTime(iso)}`;
}
