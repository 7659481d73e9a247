import { startWsServer } from "./server";

try {
  const server = await startWsServer();
  process.stdout.write(`Parley WebSocket server at ${server.url}\n`);
  const stop = (signal: string) => {
    server.runtime.log.info({ signal }, "shutting down");
    void server.shutdown().then(() => process.exit(0));
  };
  process.once("SIGTERM", () => stop("SIGTERM"));
  process.once("SIGINT", () => stop("SIGINT"));
} catch (error) {
  process.stderr.write(`Parley ws cannot start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
