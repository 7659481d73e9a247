import { fork } from "node:child_process";
import { randomBytes } from "node:crypto";

import { PGlite } from "@electric-sql/pglite";
import postgres from "postgres";
import { WebSocket } from "ws";

/**
 * Raw `ws` echo: a bare WebSocket server in its own process, the same number
 * of client sockets, a bounded number of messages in flight; round trips/s.
 */
export async function wsEchoRate(connections: number, seconds: number): Promise<number> {
  const server = fork(new URL("./echo-server.ts", import.meta.url).pathname, [], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  const port = await new Promise<number>((resolve) => server.once("message", (m) => resolve(Number(m))));
  try {
    const sockets = await Promise.all(
      Array.from(
        { length: connections },
        () =>
          new Promise<WebSocket>((resolve, reject) => {
            const socket = new WebSocket(`ws://127.0.0.1:${port}`);
            socket.once("open", () => resolve(socket));
            socket.once("error", reject);
          }),
      ),
    );
    const payload = JSON.stringify({
      id: 1,
      method: "mutation",
      params: { path: "message.send", input: { content: "x".repeat(64) } },
    });
    let completed = 0;
    let isRunning = true;
    // Each socket keeps one message in flight: send, wait for the echo, send again.
    for (const socket of sockets) {
      socket.on("message", () => {
        completed += 1;
        if (isRunning) socket.send(payload);
      });
      socket.send(payload);
    }
    const start = performance.now();
    await new Promise((r) => setTimeout(r, seconds * 1000));
    isRunning = false;
    const rate = completed / ((performance.now() - start) / 1000);
    for (const socket of sockets) socket.terminate();
    return rate;
  } finally {
    server.kill();
  }
}

/** Single-row INSERTs with the same driver and pool size as the server. */
export async function postgresInsertRate(databaseUrl: string, seconds: number): Promise<number> {
  const sql = postgres(databaseUrl, { max: 20, onnotice: () => {} });
  const table = `bench_${randomBytes(4).toString("hex")}`;
  await sql.unsafe(
    `create table ${table} (id bigserial primary key, chat_id int not null, body text not null, created_at timestamptz not null default now())`,
  );
  let inserted = 0;
  const deadline = performance.now() + seconds * 1000;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: 40 }, async () => {
      while (performance.now() < deadline) {
        await sql`insert into ${sql(table)} (chat_id, body) values (${inserted % 500}, ${"x".repeat(64)})`;
        inserted += 1;
      }
    }),
  );
  const rate = inserted / ((performance.now() - start) / 1000);
  await sql.unsafe(`drop table ${table}`);
  await sql.end();
  return rate;
}

/** The embedded shape's database: single-row INSERTs into an in-memory PGlite. */
export async function pgliteInsertRate(seconds: number): Promise<number> {
  const db = await PGlite.create();
  await db.exec(
    "create table bench (id bigserial primary key, chat_id int not null, body text not null, created_at timestamptz not null default now())",
  );
  let inserted = 0;
  const deadline = performance.now() + seconds * 1000;
  const start = performance.now();
  while (performance.now() < deadline) {
    await db.query("insert into bench (chat_id, body) values ($1, $2)", [inserted % 500, "x".repeat(64)]);
    inserted += 1;
  }
  const rate = inserted / ((performance.now() - start) / 1000);
  await db.close();
  return rate;
}

/**
 * Raw `ws` broadcast: a bare server in its own process relays each message to every one of
 * `sockets` clients; `senders` of them keep one message in flight each (the next goes when
 * their own copy comes back). Deliveries/s counts every socket's copy, like a group's fan-out.
 */
export async function wsBroadcastRate(
  sockets: number,
  senders: number,
  payload: string,
  seconds: number,
): Promise<number> {
  const server = fork(new URL("./broadcast-server.ts", import.meta.url).pathname, [], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  const port = await new Promise<number>((resolve) => server.once("message", (m) => resolve(Number(m))));
  try {
    const clients = await Promise.all(
      Array.from(
        { length: sockets },
        () =>
          new Promise<WebSocket>((resolve, reject) => {
            const socket = new WebSocket(`ws://127.0.0.1:${port}`);
            socket.once("open", () => resolve(socket));
            socket.once("error", reject);
          }),
      ),
    );
    let deliveries = 0;
    let isRunning = true;
    clients.forEach((socket, index) => {
      const isSender = index < senders;
      const own = `${index}:${payload}`;
      socket.on("message", (data) => {
        deliveries += 1;
        // The default binaryType delivers a text frame as one Buffer.
        if (isSender && isRunning && Buffer.isBuffer(data) && data.toString() === own) socket.send(own);
      });
      if (isSender) socket.send(own);
    });
    const start = performance.now();
    await new Promise((r) => setTimeout(r, seconds * 1000));
    isRunning = false;
    const rate = deliveries / ((performance.now() - start) / 1000);
    for (const socket of clients) socket.terminate();
    return rate;
  } finally {
    server.kill();
  }
}
