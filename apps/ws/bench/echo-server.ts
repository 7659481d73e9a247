import { WebSocketServer } from "ws";

// The baseline: a bare ws server that echoes every message back.
const wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
wss.on("connection", (socket) => socket.on("message", (data) => socket.send(data)));
wss.on("listening", () => {
  const address = wss.address();
  process.send?.(typeof address === "object" && address ? address.port : 0);
});
