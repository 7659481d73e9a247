/**
 * pnpm bench:messaging — 1:1 messaging under load, embedded and scaled.
 *
 * Many connected SDK clients (default 1,000 connections = 500 chatting pairs)
 * send at a fixed rate, stepping the rate up. Per step: achieved messages/s,
 * p50/p99 send→ack and send→recipient, lost and duplicated messages. The
 * same run measures the baselines: a raw `ws` echo server's round trips/s with
 * as many sockets, and single-row INSERTs/s into the same database with the
 * same driver.
 */
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";

import { createParleyClient, type ParleyClient } from "@parley/sdk/node";

import { pgliteInsertRate, postgresInsertRate, wsEchoRate } from "./baselines";
import { cpuPerMessage, snapshotCpu } from "./cpu";
import { atRate, type BenchUser, drain, findByNumber, ms, percentile, signUpUsers } from "./load";
import { type RunningServer, startEmbedded, startScaled } from "./servers";

const { values } = parseArgs({
  options: {
    shape: { type: "string", default: "both" },
    connections: { type: "string", default: "1000" },
    rates: { type: "string", default: "500,1000,2000,3000,4000" },
    "step-seconds": { type: "string", default: "8" },
    port: { type: "string", default: "4310" },
  },
});
const connections = Number(values.connections);
const pairs = Math.floor(connections / 2);
const rates = (values.rates ?? "").split(",").map(Number);
const stepSeconds = Number(values["step-seconds"]);
const shapes = values.shape === "both" ? ["embedded", "scaled"] : [values.shape ?? "scaled"];

type Device = { id: number; client: ParleyClient };
type Tracked = { sentAt: number; ackAt?: number; receivedAt?: number; received: number; failed?: boolean };

async function runShape(shape: string, server: RunningServer) {
  process.stdout.write(`\n== ${shape} shape: signing up ${pairs * 2} users…\n`);
  const users = await signUpUsers(server.wsUrl, pairs * 2);
  await findByNumber(
    server.wsUrl,
    Array.from(
      { length: pairs },
      (_, pair) => [users[pair * 2], users[pair * 2 + 1]] as [BenchUser, BenchUser],
    ).flatMap(
      ([a, b]) =>
        [
          [a, b],
          [b, a],
        ] as [BenchUser, BenchUser][],
    ),
  );
  const tracked = new Map<string, Tracked>();
  const devices: Device[] = users.map((user) => {
    const client = createParleyClient({ url: server.wsUrl, token: user.token });
    client.subscribeEvents({
      selfUserId: user.id,
      // From the start of this (new) user's stream: a message sent while the subscription is
      // still being set up is replayed, not skipped as "before this device came online".
      lastEventId: "0",
      onEvent: (event) => {
        if (event.type !== "new_message" || event.message.sender_id === user.id) return;
        const entry = tracked.get(event.message.client_msg_id ?? "");
        if (!entry) return;
        entry.received += 1;
        entry.receivedAt ??= performance.now();
      },
    });
    return { id: user.id, client };
  });
  // Let every subscription go live (and presence settle) before measuring.
  await new Promise((r) => setTimeout(r, 3_000));

  const rows: string[] = [];
  // The best rate sustained with p99 send→recipient under the 50 ms target (else the best achieved).
  let best = { rate: 0, withinTarget: false };
  for (const rate of rates) {
    tracked.clear();
    let inFlight = 0;
    let skipped = 0;
    let pairIndex = 0;
    const cpuBefore = snapshotCpu(server.pid);
    const started = performance.now();
    await atRate(rate, stepSeconds, () => {
      if (inFlight > 10_000) {
        skipped += 1;
        return;
      }
      const pair = pairIndex++ % pairs;
      const forward = Math.floor(pairIndex / pairs) % 2 === 0;
      const sender = devices[forward ? pair * 2 : pair * 2 + 1];
      const receiver = devices[forward ? pair * 2 + 1 : pair * 2];
      if (!sender || !receiver) return;
      const clientMsgId = randomUUID();
      const entry: Tracked = { sentAt: performance.now(), received: 0 };
      tracked.set(clientMsgId, entry);
      inFlight += 1;
      sender.client.message.send
        .mutate({ receiver_id: receiver.id, content: `bench ${clientMsgId.slice(0, 8)}`, client_msg_id: clientMsgId })
        .then(
          () => (entry.ackAt = performance.now()),
          () => (entry.failed = true),
        )
        .finally(() => (inFlight -= 1));
    });
    const sendWindow = (performance.now() - started) / 1000;
    await drain(
      started,
      15_000,
      () => ![...tracked.values()].some((t) => !t.failed && (t.ackAt === undefined || t.receivedAt === undefined)),
      () =>
        [...tracked.values()].reduce(
          (n, t) => n + (t.ackAt === undefined ? 0 : 1) + (t.receivedAt === undefined ? 0 : 1),
          0,
        ),
    );
    const cpuAfter = snapshotCpu(server.pid);
    const entries = [...tracked.values()];
    const acked = entries.filter((t) => t.ackAt !== undefined);
    const ackLatency = acked.map((t) => (t.ackAt ?? 0) - t.sentAt).sort((a, b) => a - b);
    const deliverLatency = entries
      .filter((t) => t.receivedAt !== undefined)
      .map((t) => (t.receivedAt ?? 0) - t.sentAt)
      .sort((a, b) => a - b);
    const achieved =
      acked.length / Math.max(sendWindow, (Math.max(...acked.map((t) => t.ackAt ?? 0)) - started) / 1000);
    const lost = acked.filter((t) => t.receivedAt === undefined).length;
    const duplicated = entries.filter((t) => t.received > 1).length;
    const failed = entries.filter((t) => t.failed).length;
    const row = [
      shape.padEnd(8),
      String(rate).padStart(6),
      achieved.toFixed(0).padStart(8),
      ms(percentile(ackLatency, 0.5)).padStart(10),
      ms(percentile(ackLatency, 0.99)).padStart(10),
      ms(percentile(deliverLatency, 0.5)).padStart(10),
      ms(percentile(deliverLatency, 0.99)).padStart(10),
      String(lost).padStart(5),
      String(duplicated).padStart(4),
      String(failed + skipped).padStart(6),
    ].join(" │ ");
    const withinTarget = percentile(deliverLatency, 0.99) < 50 && lost === 0 && duplicated === 0;
    if (
      (withinTarget && (!best.withinTarget || achieved > best.rate)) ||
      (!best.withinTarget && achieved > best.rate)
    ) {
      best = { rate: achieved, withinTarget };
    }
    const cpu = `         cpu per message (ms): ${cpuPerMessage(cpuBefore, cpuAfter, acked.length)}`;
    rows.push(row, cpu);
    process.stdout.write(`${row}\n${cpu}\n`);
    if (achieved < rate * 0.8) break; // saturated: higher steps only queue
  }
  await Promise.all(devices.map((device) => device.client.close()));
  return { rows, best };
}

const header = [
  "shape   ",
  "target",
  "  sent/s",
  " p50 ack  ",
  " p99 ack  ",
  "p50 deliver",
  "p99 deliver",
  " lost",
  "dup ",
  "errors",
].join(" │ ");
process.stdout.write(
  `Parley messaging benchmark: ${connections} connections (${pairs} pairs), ${stepSeconds}s per step, rates ${rates.join(", ")} msg/s\n`,
);
process.stdout.write(`${header}\n`);

const port = Number(values.port);
const summary: string[] = [];
const results: {
  shape: string;
  best: { rate: number; withinTarget: boolean };
  insertRate: number;
  insertTarget: string;
}[] = [];
for (const shape of shapes) {
  const server = shape === "embedded" ? await startEmbedded(port) : await startScaled(port);
  try {
    const { rows, best } = await runShape(shape, server);
    summary.push(...rows);
    const isPostgres = "databaseUrl" in server && typeof server.databaseUrl === "string";
    const insertRate = isPostgres ? await postgresInsertRate(String(server.databaseUrl), 5) : await pgliteInsertRate(5);
    results.push({
      shape,
      best,
      insertRate,
      insertTarget: isPostgres ? "PostgreSQL (postgres.js, pool 20)" : "PGlite (in-process)",
    });
  } finally {
    await server.stop();
  }
}
const echo = await wsEchoRate(connections, 5);

process.stdout.write(`\n${header}\n${summary.join("\n")}\n\nBaselines measured in this run:\n`);
process.stdout.write(
  `  raw ws echo server, ${connections} sockets, one message in flight each: ${echo.toFixed(0)} round trips/s\n`,
);
for (const { shape, best, insertRate, insertTarget } of results) {
  process.stdout.write(`  raw single-row INSERT into ${insertTarget}: ${insertRate.toFixed(0)}/s\n`);
  process.stdout.write(
    `  ${shape}: best ${best.withinTarget ? "sustained within p99 < 50 ms" : "achieved (p99 target missed)"}: ${best.rate.toFixed(0)} msg/s` +
      ` = ${(best.rate / echo).toFixed(3)} × ws echo, ${(best.rate / insertRate).toFixed(3)} × raw INSERT\n`,
  );
}
process.stdout.write(
  "\nEach message is a send RPC, one durable transaction with both users' events, a live delivery to the recipient and the\n" +
    "sender's other devices, and a delivery receipt (another transaction and event) — where each baseline does one round trip or one INSERT.\n",
);
process.exit(0);
