import { WebSocketServer } from "ws";

// The group baseline: a bare ws server that sends every message it gets to every connected socket.
const wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
wss.on("connection", (socket) =>
  socket.on("message", (data) => {
    for (const client of wss.clients) client.send(data);
  }),
);
wss.on("listening", () => {
  const address = wss.address();
  process.send?.(typeof address === "object" && address ? address.port : 0);
});
