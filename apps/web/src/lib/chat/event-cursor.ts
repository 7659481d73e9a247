/**
 * The id of the last live event this tab handled, per user, so a reload
 * resumes the stream where it stopped instead of missing what came between.
 * sessionStorage: one cursor per tab, as each tab has its own copy of the state.
 */
const keyFor = (userId: number) => `parley:last-event-id:${userId}`;

export function readEventCursor(userId: number): string | null {
  try {
    const value = window.sessionStorage.getItem(keyFor(userId));
    return value && /^\d{1,16}$/.test(value) ? value : null;
  } catch {
    return null;
  }
}

export function writeEventCursor(userId: number, eventId: string): void {
  try {
    window.sessionStorage.setItem(keyFor(userId), eventId);
  } catch {
    // Storage may be full or disabled; the stream then starts afresh after a reload.
  }
}
