import { describe, expect, it } from "vitest";

import { daysAgo, dayKey, formatChatTime, formatDayLabel, formatLastSeen, formatTime } from "./format";
import { resolveWsUrl } from "./ws-url";

// Local times, so the expectations hold in any time zone.
const now = new Date(2026, 10, 27, 15, 30);
const at = (day: number, hour = 9, minute = 5) => new Date(2026, 10, day, hour, minute).toISOString();

describe("message times", () => {
  it("counts calendar days, not 24-hour spans", () => {
    expect(daysAgo(new Date(2026, 10, 26, 23, 59), new Date(2026, 10, 27, 0, 1))).toBe(1);
    expect(daysAgo(new Date(2026, 10, 27, 0, 1), now)).toBe(0);
    expect(dayKey(at(27, 0, 1))).toBe(dayKey(at(27, 23, 59)));
    expect(dayKey(at(26, 23, 59))).not.toBe(dayKey(at(27, 0, 1)));
  });

  it("shows today's time, then Yesterday, a weekday, a date", () => {
    expect(formatChatTime(at(27), now)).toBe(formatTime(at(27)));
    expect(formatChatTime(at(26), now)).toBe("Yesterday");
    expect(formatChatTime(at(23), now)).toBe(
      new Intl.DateTimeFormat(undefined, { weekday: "long" }).format(new Date(at(23))),
    );
    expect(formatChatTime(at(1), now)).toMatch(/2026/);
  });

  it("labels the day separators", () => {
    expect(formatDayLabel(at(27), now)).toBe("Today");
    expect(formatDayLabel(at(26), now)).toBe("Yesterday");
    expect(formatDayLabel(new Date(2025, 0, 3).toISOString(), now)).toMatch(/2025/);
  });

  it("says when someone was last seen", () => {
    expect(formatLastSeen(null, now)).toBeNull();
    expect(formatLastSeen(at(27, 14, 5), now)).toBe(`last seen today at ${formatTime(at(27, 14, 5))}`);
    expect(formatLastSeen(at(26, 14, 5), now)).toBe(`last seen yesterday at ${formatTime(at(26, 14, 5))}`);
  });
});

describe("resolveWsUrl", () => {
  it("uses PUBLIC_WS_URL when the deployment sets one", () => {
    expect(resolveWsUrl("wss://ws.example.com/ws", { protocol: "https:", host: "parley.example.com" })).toBe(
      "wss://ws.example.com/ws",
    );
  });

  it("else /ws on the page's host, secure when the page is", () => {
    expect(resolveWsUrl(null, { protocol: "http:", host: "127.0.0.1:4173" })).toBe("ws://127.0.0.1:4173/ws");
    expect(resolveWsUrl(null, { protocol: "https:", host: "parley.example.com" })).toBe("wss://parley.example.com/ws");
  });
});
