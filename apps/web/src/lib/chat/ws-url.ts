/**
 * Where the browser opens its WebSocket: PUBLIC_WS_URL when the deployment
 * runs WebSocket servers of its own, else /ws on the host that served the page.
 */
export function resolveWsUrl(publicWsUrl: string | null, location: Pick<Location, "protocol" | "host">): string {
  if (publicWsUrl) return publicWsUrl;
  const protocol = location.protocol === "https:" ? "wss:" : "ws:";
  return `${protocol}//${location.host}/ws`;
}
