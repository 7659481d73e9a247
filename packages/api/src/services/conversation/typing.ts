// Typing indicators disappear on the client unless refreshed within this time.
export const TYPING_EXPIRES_MS = 6_000;
