import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { freePort } from "@parley/api/test";
import { createParleyClient } from "@parley/sdk/node";

// The built server (pnpm build runs before this package's tests, see turbo.json).
const appDir = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

type Running = { process: ChildProcess; output: string[]; base: string };

async function startEmbedded(dataDir: string, port: number): Promise<Running> {
  const child = spawn(process.execPath, ["dist/server.mjs"], {
    cwd: appDir,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: "production",
      HOST: "127.0.0.1",
      PORT: String(port),
      DATA_DIR: dataDir,
      LOG_LEVEL: "warn",
      OTP_TEST_NUMBERS: "+1415201*:123456",
      OTP_TEST_NUMBERS_IN_PRODUCTION: "true",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  child.stdout?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${output.join("")}`);
    const healthy = await fetch(`${base}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (healthy) return { process: child, output, base };
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill("SIGKILL");
  throw new Error(`server did not become healthy:\n${output.join("")}`);
}

async function stop(running: Running): Promise<number | null> {
  const exited = new Promise<number | null>((r) => running.process.once("exit", (code) => r(code)));
  running.process.kill("SIGTERM");
  return exited;
}

describe("the embedded shape: one process, PGlite, API + UI + WebSocket on one port", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "parley-embedded-"));
  let port: number;
  let server: Running;
  const phone_number = `+1415201${String(Math.floor(Math.random() * 10_000)).padStart(4, "0")}`;

  beforeAll(async () => {
    port = await freePort();
    server = await startEmbedded(dataDir, port);
  });

  afterAll(async () => {
    if (server.process.exitCode === null) await stop(server);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("prints its URL and reports itself healthy and embedded", async () => {
    expect(server.output.join("")).toContain(`Parley is running at http://127.0.0.1:${port}`);
    const health: unknown = await (await fetch(`${server.base}/healthz`)).json();
    expect(health).toMatchObject({ status: "ok", shape: "embedded", checks: { database: "ok", store: "ok" } });
  });

  it("signs up over REST and talks tRPC over the same port's WebSocket", async () => {
    const post = (path: string, body: unknown) =>
      fetch(`${server.base}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    expect((await post("/api/auth/register", { phone_number, full_name: "Embedded Ana" })).status).toBe(200);
    const verified = await post("/api/auth/verify-otp", { phone_number, otp: "123456", password: "password123" });
    const { token, user } = (await verified.json()) as { token: string; user: { id: number } };

    const client = createParleyClient({ url: `ws://127.0.0.1:${port}/ws`, token });
    try {
      expect((await client.user.me.query()).id).toBe(user.id);
    } finally {
      await client.close();
    }
    const overHttp = createParleyClient({ url: server.base, token });
    expect((await overHttp.user.me.query()).full_name).toBe("Embedded Ana");
  });

  it("serves the web app's pages", async () => {
    const response = await fetch(`${server.base}/login`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/text\/html/);
  });

  it("stops cleanly on SIGTERM and keeps its data across a restart", async () => {
    expect(await stop(server)).toBe(0);
    server = await startEmbedded(dataDir, port);
    const login = await fetch(`${server.base}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ phone_number, password: "password123" }),
    });
    expect(login.status).toBe(200);
  });
});
