import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import postgres from "postgres";

export const repoRoot = resolve(import.meta.dirname, "../../..");
export const TEST_CODE = "123456";

export type RunningServer = { wsUrl: string; pid: number; stop(): Promise<void> };

async function waitHealthy(url: string, child: ChildProcess, output: string[]): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited:\n${output.join("")}`);
    if (
      await fetch(url).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`server not healthy at ${url}:\n${output.join("")}`);
}

// The load generator is one address standing for thousands of people: the per-address and
// per-user limits would measure themselves, not the delivery path.
const BENCH_LIMITS: Record<string, string> = {
  RATE_LIMIT_REQUESTS_PER_MINUTE: "10000000",
  RATE_LIMIT_MESSAGES_PER_MINUTE: "10000000",
  RATE_LIMIT_OTP_PER_HOUR_PER_IP: "10000000",
  RATE_LIMIT_OTP_PER_HOUR_PER_PREFIX: "10000000",
  WS_CALLS_PER_SECOND: "100000",
};

function launch(entry: string, env: Record<string, string>): { child: ChildProcess; output: string[] } {
  // BENCH_CPU_PROFILE=dir writes a V8 CPU profile of the server there on exit.
  const profile = process.env.BENCH_CPU_PROFILE
    ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}`]
    : [];
  const child = spawn(process.execPath, [...profile, entry], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? "", NODE_ENV: "production", LOG_LEVEL: "warn", ...BENCH_LIMITS, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  child.stdout?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  return { child, output };
}

const stopChild = (child: ChildProcess) =>
  new Promise<void>((done) => {
    if (child.exitCode !== null) return done();
    child.once("exit", () => done());
    child.kill("SIGTERM");
  });

/** Scaled shape: one apps/ws process on a fresh PostgreSQL database and a private Redis key prefix. */
export async function startScaled(port: number): Promise<RunningServer & { databaseUrl: string }> {
  const admin = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const name = `parley_bench_${randomBytes(4).toString("hex")}`;
  const sql = postgres(admin, { max: 1, onnotice: () => {} });
  await sql.unsafe(`create database "${name}"`);
  await sql.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  const { child, output } = launch("apps/ws/dist/index.mjs", {
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_SIZE: "20",
    REDIS_URL: process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379",
    REDIS_KEY_PREFIX: `parley-bench:${randomBytes(4).toString("hex")}:`,
    JWT_SECRET: randomBytes(32).toString("hex"),
    OTP_TEST_NUMBERS: `+1415201*:${TEST_CODE}`,
    OTP_TEST_NUMBERS_IN_PRODUCTION: "true",
    WS_PORT: String(port),
  });
  await waitHealthy(`http://127.0.0.1:${port}/healthz`, child, output);
  return {
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    pid: child.pid ?? 0,
    databaseUrl,
    stop: async () => {
      await stopChild(child);
      if (process.env.BENCH_DEBUG)
        process.stderr.write(`server output: ${output.join("").length} chars\n${output.join("").slice(0, 1500)}\n`);
      const cleanup = postgres(admin, { max: 1, onnotice: () => {} });
      await cleanup.unsafe(`drop database if exists "${name}" with (force)`);
      await cleanup.end();
    },
  };
}

/** Embedded shape: the web process (PGlite, in-process bus) serving /ws itself. */
export async function startEmbedded(port: number): Promise<RunningServer> {
  const dataDir = mkdtempSync(join(tmpdir(), "parley-bench-"));
  const { child, output } = launch("apps/web/dist/server.mjs", {
    PORT: String(port),
    HOST: "127.0.0.1",
    DATA_DIR: dataDir,
    OTP_TEST_NUMBERS: `+1415201*:${TEST_CODE}`,
    OTP_TEST_NUMBERS_IN_PRODUCTION: "true",
  });
  await waitHealthy(`http://127.0.0.1:${port}/healthz`, child, output);
  return {
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    pid: child.pid ?? 0,
    stop: async () => {
      await stopChild(child);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
